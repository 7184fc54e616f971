#include "pushlock.h"
#include <stdio.h>

typedef struct STREAM_CONTEXT {
    ERESOURCE Resource;    /* embedded by value, like a kernel driver would */
    EX_PUSH_LOCK Lock;
    int Value;
} STREAM_CONTEXT;

int main(void) {
    STREAM_CONTEXT ctx = {0};
    ExInitializeResourceLite(&ctx.Resource);
    FltInitializePushLock(&ctx.Lock);

    FltAcquireResourceExclusive(&ctx.Resource);   /* enters a critical region too */
    ctx.Value = 42;
    FltReleaseResource(&ctx.Resource);            /* and leaves it */

    FltAcquirePushLockShared(&ctx.Lock);
    printf("value = %d\n", ctx.Value);
    FltReleasePushLock(&ctx.Lock);

    ExDeleteResourceLite(&ctx.Resource);
    FltDeletePushLock(&ctx.Lock);
    return 0;
}
