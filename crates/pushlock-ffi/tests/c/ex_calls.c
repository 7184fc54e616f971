/* The Ex push lock calls (no critical region of their own), the resource
 * shortcuts and the APC queries, used the way a driver does. With the argument
 * "outside_region" or "wrong_mode" it commits that misuse (a verifier stop). */
#include "pushlock.h"
#include <stdio.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) { printf("FAILED: %s (line %d)\n", #c, __LINE__); return 1; } } while (0)

int main(int argc, char **argv) {
    EX_PUSH_LOCK lock;
    ERESOURCE resource;
    ExInitializePushLock(&lock);
    ExInitializeResourceLite(&resource);

    if (argc > 1 && strcmp(argv[1], "outside_region") == 0) {
        ExAcquirePushLockExclusive(&lock); /* PASSIVE_LEVEL, no region: a stop */
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "wrong_mode") == 0) {
        KeEnterCriticalRegion();
        ExAcquirePushLockShared(&lock);
        ExReleasePushLockExclusive(&lock); /* held shared: a stop */
        return 0;
    }

    CHECK(!KeAreApcsDisabled() && !KeAreAllApcsDisabled());
    KeEnterCriticalRegion();
    CHECK(KeAreApcsDisabled() && !KeAreAllApcsDisabled());
    ExAcquirePushLockExclusive(&lock);
    ExReleasePushLockExclusive(&lock);
    ExAcquirePushLockShared(&lock);
    ExReleasePushLockShared(&lock);
    ExAcquirePushLockShared(&lock);
    ExReleasePushLock(&lock);
    KeLeaveCriticalRegion();
    CHECK(!KeAreApcsDisabled());

    FltAcquirePushLockExclusive(&lock);
    FltReleasePushLockEx(&lock, FLT_PUSH_LOCK_ENABLE_AUTO_BOOST);
    CHECK(!KeAreApcsDisabled());

    CHECK(ExEnterCriticalRegionAndAcquireResourceExclusive(&resource) == NULL);
    CHECK(KeAreApcsDisabled() && ExIsResourceAcquiredLite(&resource));
    ExReleaseResourceAndLeaveCriticalRegion(&resource);
    CHECK(!KeAreApcsDisabled() && !ExIsResourceAcquiredLite(&resource));
    CHECK(ExEnterCriticalRegionAndAcquireResourceShared(&resource) == NULL);
    CHECK(ExEnterCriticalRegionAndAcquireSharedWaitForExclusive(&resource) == NULL);
    CHECK(ExIsResourceAcquiredSharedLite(&resource) == 2);
    ExReleaseResourceAndLeaveCriticalRegion(&resource);
    ExReleaseResourceAndLeaveCriticalRegion(&resource);
    CHECK(!KeAreApcsDisabled());
    CHECK(ExTryToAcquireResourceExclusiveLite(&resource));
    ExReleaseResourceLite(&resource);

    ExDeleteResourceLite(&resource);
    puts("ok");
    return 0;
}
