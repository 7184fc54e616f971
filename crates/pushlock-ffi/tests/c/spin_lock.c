/* Spin locks: the IRQL each call leaves, and with the argument "push_lock_under_spin"
 * the classic driver bug (a push lock taken while a spin lock is held), which the
 * verifier stops naming both sites. */
#include "pushlock.h"
#include <stdio.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) { printf("FAILED: %s (line %d)\n", #c, __LINE__); return 1; } } while (0)

int main(int argc, char **argv) {
    KSPIN_LOCK lock, inner;
    KLOCK_QUEUE_HANDLE handle;
    EX_PUSH_LOCK push;
    KIRQL old;
    KeInitializeSpinLock(&lock);
    KeInitializeSpinLock(&inner);
    FltInitializePushLock(&push);

    if (argc > 1 && strcmp(argv[1], "push_lock_under_spin") == 0) {
        KeAcquireSpinLock(&lock, &old);
        FltAcquirePushLockExclusive(&push); /* at DISPATCH_LEVEL: a verifier stop */
        return 0;
    }

    KeAcquireSpinLock(&lock, &old);
    CHECK(old == PASSIVE_LEVEL && KeGetCurrentIrql() == DISPATCH_LEVEL);
    KeAcquireSpinLockAtDpcLevel(&inner);
    CHECK(KeGetCurrentIrql() == DISPATCH_LEVEL);
    KeReleaseSpinLockFromDpcLevel(&inner);
    KeReleaseSpinLock(&lock, old);
    CHECK(KeGetCurrentIrql() == PASSIVE_LEVEL);

    KeAcquireInStackQueuedSpinLock(&lock, &handle);
    CHECK(handle.OldIrql == PASSIVE_LEVEL && KeGetCurrentIrql() == DISPATCH_LEVEL);
    KeReleaseInStackQueuedSpinLock(&handle);
    CHECK(KeGetCurrentIrql() == PASSIVE_LEVEL);

    FltAcquirePushLockExclusive(&push); /* fine at PASSIVE_LEVEL */
    FltReleasePushLock(&push);
    FltDeletePushLock(&push);
    puts("ok");
    return 0;
}
