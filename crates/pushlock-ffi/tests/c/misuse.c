/* One misuse of the C ABI per argv[1]; each must end in a stop screen and abort. */
#include "pushlock.h"

#include <stdio.h>
#include <string.h>

static ERESOURCE Resource;
static EX_PUSH_LOCK PushLock;

int main(int argc, char **argv) {
    const char *c = argc > 1 ? argv[1] : "";
    if (!strcmp(c, "null_push_lock")) {
        FltAcquirePushLockExclusive(NULL);
    } else if (!strcmp(c, "null_resource")) {
        ExAcquireResourceExclusiveLite(NULL, TRUE);
    } else if (!strcmp(c, "null_old_irql")) {
        KeRaiseIrql(APC_LEVEL, NULL);
    } else if (!strcmp(c, "unowned_release")) {
        ExInitializeResourceLite(&Resource);
        ExReleaseResourceLite(&Resource);
    } else if (!strcmp(c, "bad_release_owner")) {
        ExInitializeResourceLite(&Resource);
        ExAcquireResourceExclusiveLite(&Resource, TRUE);
        ExReleaseResourceForThreadLite(&Resource, (ERESOURCE_THREAD)0x1000 | 3);
    } else if (!strcmp(c, "bad_push_lock_flags")) {
        FltInitializePushLock(&PushLock);
        FltAcquirePushLockSharedEx(&PushLock, 4);
    } else if (!strcmp(c, "uninitialized_resource")) {
        memset(&Resource, 0xA5, sizeof Resource);
        ExAcquireResourceSharedLite(&Resource, TRUE);
    } else if (!strcmp(c, "deleted_resource")) {
        ExInitializeResourceLite(&Resource);
        ExDeleteResourceLite(&Resource);
        ExAcquireResourceSharedLite(&Resource, TRUE);
    } else if (!strcmp(c, "double_delete")) {
        ExInitializeResourceLite(&Resource);
        ExDeleteResourceLite(&Resource);
        ExDeleteResourceLite(&Resource);
    } else if (!strcmp(c, "delete_owned")) {
        ExInitializeResourceLite(&Resource);
        ExAcquireResourceExclusiveLite(&Resource, TRUE);
        ExDeleteResourceLite(&Resource);
    } else if (!strcmp(c, "leave_without_enter")) {
        KeLeaveCriticalRegion();
    } else if (!strcmp(c, "bad_owner_pointer")) {
        ExInitializeResourceLite(&Resource);
        ExAcquireResourceExclusiveLite(&Resource, TRUE);
        ExSetResourceOwnerPointer(&Resource, (PVOID)0x1000);
    } else {
        fprintf(stderr, "unknown case %s\n", c);
        return 2;
    }
    fprintf(stderr, "misuse %s was not stopped\n", c);
    return 0;
}
