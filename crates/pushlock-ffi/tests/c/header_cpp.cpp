// The header compiles as C++ and its types have the kernel's sizes.
#include "pushlock.h"

static_assert(sizeof(ERESOURCE) == 0x68, "ERESOURCE is 104 bytes");
static_assert(alignof(ERESOURCE) == 8, "ERESOURCE is 8-aligned");
static_assert(sizeof(EX_PUSH_LOCK) == sizeof(void *), "EX_PUSH_LOCK is one word");

struct StreamContext {
    ERESOURCE Resource;
    EX_PUSH_LOCK Lock;
};

int main() {
    StreamContext context;
    FltInitializePushLock(&context.Lock);
    FltAcquirePushLockShared(&context.Lock);
    FltReleasePushLock(&context.Lock);
    return KeGetCurrentIrql();
}
