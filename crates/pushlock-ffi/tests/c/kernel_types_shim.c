/* A test harness with its own WDK-like kernel types, spelled as Windows spells them
 * (ULONG_PTR is unsigned long long there, uintptr_t here: conflicting types).
 * PUSHLOCK_NO_KERNEL_TYPES keeps pushlock.h's copies out; compiled with
 * -DKEEP_PUSHLOCK_TYPES it must fail, which shows the guard is what makes it work. */
#include <stdint.h>

typedef unsigned char UCHAR;
typedef UCHAR BOOLEAN;
typedef unsigned int ULONG;
typedef unsigned long long ULONG_PTR;
typedef int NTSTATUS;
typedef void *PVOID;
typedef UCHAR KIRQL;
typedef KIRQL *PKIRQL;
#define TRUE 1
#define FALSE 0
#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#define STATUS_UNSUCCESSFUL ((NTSTATUS)0xC0000001L)
#define PASSIVE_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2

#ifndef KEEP_PUSHLOCK_TYPES
#define PUSHLOCK_NO_KERNEL_TYPES
#endif
#include "pushlock.h"

int main(void) {
    ERESOURCE resource;
    EX_PUSH_LOCK lock;
    if (ExInitializeResourceLite(&resource) != STATUS_SUCCESS) {
        return 1;
    }
    FltAcquireResourceShared(&resource);
    FltReleaseResource(&resource);
    FltInitializePushLock(&lock);
    FltAcquirePushLockExclusive(&lock);
    FltReleasePushLock(&lock);
    return ExDeleteResourceLite(&resource) == STATUS_SUCCESS && KeGetCurrentIrql() == PASSIVE_LEVEL
               ? 0
               : 1;
}
