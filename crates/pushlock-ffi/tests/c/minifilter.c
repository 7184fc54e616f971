/*
 * A minifilter-style user of pushlock.h: a per-stream context embedding an ERESOURCE
 * (the stream's sizes) and an EX_PUSH_LOCK (a small name cache), worked by several
 * pthreads through the Flt and Ex calls. Exits 0 only if every invariant held.
 */
#define _POSIX_C_SOURCE 200809L
#include "pushlock.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define THREADS 6
#define ITERATIONS 4000
#define CACHE_SLOTS 8

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            fprintf(stderr, "invariant failed at line %d: %s\n", __LINE__, #cond); \
            exit(1);                                                             \
        }                                                                        \
    } while (0)

typedef struct STREAM_CONTEXT {
    ERESOURCE Resource;       /* protects FileSize and ValidDataLength */
    long long FileSize;
    long long ValidDataLength; /* equal to FileSize whenever the resource is free */
    EX_PUSH_LOCK CacheLock;   /* protects Cache and CacheGeneration */
    int Cache[CACHE_SLOTS];
    int CacheGeneration;
} STREAM_CONTEXT;

static STREAM_CONTEXT Context;
static long long Updates[THREADS];

static void lookup(void) {
    FltAcquireResourceShared(&Context.Resource);
    CHECK(ExIsResourceAcquiredSharedLite(&Context.Resource) == 1);
    CHECK(!ExIsResourceAcquiredExclusiveLite(&Context.Resource));
    CHECK(KeGetCurrentIrql() == PASSIVE_LEVEL);
    CHECK(Context.FileSize == Context.ValidDataLength);
    FltReleaseResource(&Context.Resource);
}

static void update(int me) {
    FltAcquireResourceExclusive(&Context.Resource);
    CHECK(ExIsResourceAcquiredExclusiveLite(&Context.Resource));
    /* A recursive shared acquire by the exclusive owner is one more recursion. */
    CHECK(ExAcquireResourceSharedLite(&Context.Resource, TRUE));
    CHECK(ExIsResourceAcquiredSharedLite(&Context.Resource) == 2);
    ExReleaseResourceLite(&Context.Resource);
    Context.FileSize++;
    sched_yield(); /* a reader slipping in here would see the sizes differ */
    Context.ValidDataLength++;
    Updates[me]++;
    FltReleaseResource(&Context.Resource);
}

static void try_update(int me) {
    KeEnterCriticalRegion();
    if (ExAcquireResourceExclusiveLite(&Context.Resource, FALSE)) {
        Context.FileSize++;
        Context.ValidDataLength++;
        Updates[me]++;
        ExReleaseResourceLite(&Context.Resource);
    }
    KeLeaveCriticalRegion();
}

static void cache_read(void) {
    FltAcquirePushLockShared(&Context.CacheLock);
    for (int i = 1; i < CACHE_SLOTS; i++) CHECK(Context.Cache[i] == Context.Cache[0]);
    CHECK(Context.Cache[0] == Context.CacheGeneration);
    FltReleasePushLock(&Context.CacheLock);
}

static void cache_refresh(void) {
    FltAcquirePushLockExclusiveEx(&Context.CacheLock, FLT_PUSH_LOCK_DISABLE_AUTO_BOOST);
    int generation = ++Context.CacheGeneration;
    for (int i = 0; i < CACHE_SLOTS; i++) {
        Context.Cache[i] = generation;
        if (i == CACHE_SLOTS / 2) sched_yield();
    }
    FltReleasePushLock(&Context.CacheLock);
}

static void *worker(void *arg) {
    int me = (int)(intptr_t)arg;
    unsigned seed = (unsigned)me * 7919u + 1u;
    for (int i = 0; i < ITERATIONS; i++) {
        seed = seed * 1103515245u + 12345u;
        switch ((seed >> 16) % 10) {
        case 0: update(me); break;
        case 1: try_update(me); break;
        case 2: cache_refresh(); break;
        case 3: case 4: case 5: cache_read(); break;
        default: lookup(); break;
        }
    }
    return NULL;
}

static ERESOURCE_THREAD HandOffOwner;

static void *hand_off_worker(void *arg) {
    (void)arg;
    /* This thread never acquired the resource: it releases for the owner pointer. */
    ExReleaseResourceForThreadLite(&Context.Resource, HandOffOwner);
    return NULL;
}

static void *blocked_reader(void *arg) {
    (void)arg;
    lookup();
    return NULL;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int main(void) {
    alarm(120); /* a hang is a failure, not a stuck test */
    CHECK(ExInitializeResourceLite(&Context.Resource) == STATUS_SUCCESS);
    FltInitializePushLock(&Context.CacheLock);

    /* Simulated IRQL. */
    KIRQL old;
    CHECK(KeGetCurrentIrql() == PASSIVE_LEVEL);
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    CHECK(old == PASSIVE_LEVEL && KeGetCurrentIrql() == DISPATCH_LEVEL);
    KeLowerIrql(old);
    CHECK(KeGetCurrentIrql() == PASSIVE_LEVEL);

    /* Many threads: lookups, updates, a cache under a push lock. */
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        CHECK(pthread_create(&threads[i], NULL, worker, (void *)(intptr_t)i) == 0);
    for (int i = 0; i < THREADS; i++) CHECK(pthread_join(threads[i], NULL) == 0);
    long long total = 0;
    for (int i = 0; i < THREADS; i++) total += Updates[i];
    CHECK(Context.FileSize == total && Context.ValidDataLength == total);

    /* Waiter counts: a reader blocks behind our exclusive ownership. */
    FltAcquireResourceExclusive(&Context.Resource);
    pthread_t reader;
    CHECK(pthread_create(&reader, NULL, blocked_reader, NULL) == 0);
    int waited = 0;
    while (ExGetSharedWaiterCount(&Context.Resource) != 1) {
        CHECK(waited++ < 10000);
        sleep_ms(1);
    }
    CHECK(ExGetExclusiveWaiterCount(&Context.Resource) == 0);
    FltReleaseResource(&Context.Resource);
    CHECK(pthread_join(reader, NULL) == 0);
    CHECK(ExGetSharedWaiterCount(&Context.Resource) == 0);

    /* Owner-pointer hand-off to a worker thread. */
    HandOffOwner = ((ERESOURCE_THREAD)&Context) | 3;
    KeEnterCriticalRegion();
    CHECK(ExAcquireResourceExclusiveLite(&Context.Resource, TRUE));
    ExSetResourceOwnerPointer(&Context.Resource, (PVOID)HandOffOwner);
    CHECK(!ExIsResourceAcquiredExclusiveLite(&Context.Resource));
    KeLeaveCriticalRegion();
    pthread_t releaser;
    CHECK(pthread_create(&releaser, NULL, hand_off_worker, NULL) == 0);
    CHECK(pthread_join(releaser, NULL) == 0);
    KeEnterCriticalRegion();
    CHECK(ExAcquireResourceExclusiveLite(&Context.Resource, FALSE));
    ExConvertExclusiveToSharedLite(&Context.Resource);
    CHECK(!ExIsResourceAcquiredExclusiveLite(&Context.Resource));
    CHECK(ExIsResourceAcquiredSharedLite(&Context.Resource) == 1);
    ExReleaseResourceLite(&Context.Resource);
    KeLeaveCriticalRegion();

    CHECK(ExGetCurrentResourceThread() != 0);
    CHECK(ExDeleteResourceLite(&Context.Resource) == STATUS_SUCCESS);
    FltDeletePushLock(&Context.CacheLock);
    printf("minifilter: %lld updates, every invariant held\n", total);
    return 0;
}
