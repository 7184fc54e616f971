/* Rundown protection the way a driver uses it: workers take a protection around
 * each use of an object, teardown waits for them and then frees it. Checks each
 * call's result; with an argument it commits one misuse (a bug check):
 * "release_without_acquire", "wait_twice", "completed_early". */
#include "pushlock.h"
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define CHECK(c) do { if (!(c)) { printf("FAILED: %s (line %d)\n", #c, __LINE__); return 1; } } while (0)
#define WORKERS 4

typedef struct {
    EX_RUNDOWN_REF Rundown;
    volatile int Alive;          /* cleared by teardown after the wait */
    int InUse;                   /* protected uses now (atomic builtins) */
    int Late;                    /* uses that saw the object freed */
} DEVICE_CONTEXT;

static DEVICE_CONTEXT Device;

static void *Worker(void *arg) {
    intptr_t id = (intptr_t)arg;
    for (int i = 0; i < 2000; i++) {
        ULONG count = (ULONG)(1 + (id + i) % 3);
        BOOLEAN ok = count == 1 ? ExAcquireRundownProtection(&Device.Rundown)
                                : ExAcquireRundownProtectionEx(&Device.Rundown, count);
        if (!ok) break; /* teardown started */
        __atomic_add_fetch(&Device.InUse, 1, __ATOMIC_SEQ_CST);
        if (!Device.Alive) __atomic_add_fetch(&Device.Late, 1, __ATOMIC_SEQ_CST);
        __atomic_sub_fetch(&Device.InUse, 1, __ATOMIC_SEQ_CST);
        if (count == 1) ExReleaseRundownProtection(&Device.Rundown);
        else ExReleaseRundownProtectionEx(&Device.Rundown, count);
    }
    return NULL;
}

int main(int argc, char **argv) {
    EX_RUNDOWN_REF ref;
    ExInitializeRundownProtection(&ref);

    if (argc > 1 && strcmp(argv[1], "release_without_acquire") == 0) {
        ExReleaseRundownProtection(&ref); /* nothing held: a bug check */
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "wait_twice") == 0) {
        ExWaitForRundownProtectionRelease(&ref);
        ExWaitForRundownProtectionRelease(&ref); /* not reinitialized: a bug check */
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "completed_early") == 0) {
        ExRundownCompleted(&ref); /* rundown never started: a bug check */
        return 0;
    }

    /* Semantics of each call. */
    CHECK(ExAcquireRundownProtection(&ref) == TRUE);
    CHECK(ExAcquireRundownProtectionEx(&ref, 3) == TRUE);
    ExReleaseRundownProtectionEx(&ref, 3);
    ExReleaseRundownProtection(&ref);
    ExWaitForRundownProtectionRelease(&ref);
    CHECK(ExAcquireRundownProtection(&ref) == FALSE);
    CHECK(ExAcquireRundownProtectionEx(&ref, 2) == FALSE);
    ExRundownCompleted(&ref);
    ExReInitializeRundownProtection(&ref);
    CHECK(ExAcquireRundownProtection(&ref) == TRUE);
    ExReleaseRundownProtection(&ref);
    CHECK(KeGetCurrentIrql() == PASSIVE_LEVEL);

    /* Teardown racing workers. */
    ExInitializeRundownProtection(&Device.Rundown);
    Device.Alive = 1;
    pthread_t threads[WORKERS];
    for (intptr_t i = 0; i < WORKERS; i++)
        CHECK(pthread_create(&threads[i], NULL, Worker, (void *)i) == 0);
    ExWaitForRundownProtectionRelease(&Device.Rundown);
    CHECK(__atomic_load_n(&Device.InUse, __ATOMIC_SEQ_CST) == 0);
    Device.Alive = 0; /* "free" the object */
    CHECK(ExAcquireRundownProtection(&Device.Rundown) == FALSE);
    for (int i = 0; i < WORKERS; i++) CHECK(pthread_join(threads[i], NULL) == 0);
    CHECK(Device.Late == 0);
    ExRundownCompleted(&Device.Rundown);

    puts("ok");
    return 0;
}
