/*
 * Racy driver-style programs for stress mode (SPEC S1), in C. Each has a real race
 * between lock calls and passes without stress nearly always.
 *
 *   stress_races once  <case>                      one run; exit 1 if the race showed
 *   stress_races seeds <case> <first> <count>      PushLockStressEnable per seed; stops
 *                                                  at, and prints, the first failing seed
 *   stress_races count <case> <first> <count> <stress|plain>
 *                                                  prints "exposed K of N, slowest M us"
 *
 * Cases: lost_update, check_then_act, writer_trusts_reader,
 * teardown_frees_before_rundown, correct.
 * `once` is what PUSHLOCK_STRESS=<seed> ./stress_races once <case> stresses.
 */
#define _POSIX_C_SOURCE 200809L
#include "pushlock.h"
#include "pushlock_stress.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int (*PROGRAM)(void); /* 0: passed, 1: the race showed */

static void run_threads(int count, void *(*body)(void *), void *arg) {
    pthread_t threads[8];
    for (int i = 0; i < count; i++) {
        if (pthread_create(&threads[i], NULL, body, arg) != 0) {
            perror("pthread_create");
            exit(2);
        }
    }
    for (int i = 0; i < count; i++) {
        pthread_join(threads[i], NULL);
    }
}

/* Lost update across a shared-then-exclusive pair (push lock, Flt calls). */
#define LOST_THREADS 2
#define LOST_ROUNDS 10
static EX_PUSH_LOCK CounterLock;
static long Counter;

static void *lost_update_body(void *arg) {
    (void)arg;
    for (int round = 0; round < LOST_ROUNDS; round++) {
        FltAcquirePushLockShared(&CounterLock);
        long seen = Counter;
        FltReleasePushLock(&CounterLock);
        FltAcquirePushLockExclusive(&CounterLock);
        Counter = seen + 1;
        FltReleasePushLock(&CounterLock);
    }
    return NULL;
}

static int lost_update(void) {
    FltInitializePushLock(&CounterLock);
    Counter = 0;
    run_threads(LOST_THREADS, lost_update_body, NULL);
    FltDeletePushLock(&CounterLock);
    if (Counter != LOST_THREADS * LOST_ROUNDS) {
        printf("lost update: %ld of %d\n", Counter, LOST_THREADS * LOST_ROUNDS);
        return 1;
    }
    return 0;
}

/* Check-then-act: a lazy initialization tests a flag before taking the resource. */
#define LAZY_THREADS 2
#define LAZY_OBJECTS 3
typedef struct LAZY {
    ERESOURCE Resource;
    volatile int Ready;
    int Inits;
} LAZY;
static LAZY Objects[LAZY_OBJECTS];

static void *check_then_act_body(void *arg) {
    (void)arg;
    for (int i = 0; i < LAZY_OBJECTS; i++) {
        LAZY *object = &Objects[i];
        if (!__atomic_load_n(&object->Ready, __ATOMIC_SEQ_CST)) {
            KeEnterCriticalRegion();
            ExAcquireResourceExclusiveLite(&object->Resource, TRUE);
            object->Inits++;
            __atomic_store_n(&object->Ready, 1, __ATOMIC_SEQ_CST);
            ExReleaseResourceLite(&object->Resource);
            KeLeaveCriticalRegion();
        }
    }
    return NULL;
}

static int check_then_act(void) {
    for (int i = 0; i < LAZY_OBJECTS; i++) {
        ExInitializeResourceLite(&Objects[i].Resource);
        Objects[i].Ready = 0;
        Objects[i].Inits = 0;
    }
    run_threads(LAZY_THREADS, check_then_act_body, NULL);
    int failed = 0;
    for (int i = 0; i < LAZY_OBJECTS; i++) {
        ExDeleteResourceLite(&Objects[i].Resource);
        if (Objects[i].Inits != 1) {
            printf("object %d initialized %d times\n", i, Objects[i].Inits);
            failed = 1;
        }
    }
    return failed;
}

/* A writer that relies on a reader having finished: the reader, started first, walks
 * a buffer in batches under shared holds; the writer tears it down right after. */
#define BATCHES 4
static ERESOURCE BufferResource;
static volatile int TornDown;
static int ReadsAfterTeardown;

static void *reader_body(void *arg) {
    (void)arg;
    for (int batch = 0; batch < BATCHES; batch++) {
        FltAcquireResourceShared(&BufferResource);
        if (__atomic_load_n(&TornDown, __ATOMIC_SEQ_CST)) {
            __atomic_add_fetch(&ReadsAfterTeardown, 1, __ATOMIC_SEQ_CST);
        }
        FltReleaseResource(&BufferResource);
    }
    return NULL;
}

static void *writer_body(void *arg) {
    (void)arg;
    FltAcquireResourceExclusive(&BufferResource);
    __atomic_store_n(&TornDown, 1, __ATOMIC_SEQ_CST);
    FltReleaseResource(&BufferResource);
    return NULL;
}

static int writer_trusts_reader(void) {
    ExInitializeResourceLite(&BufferResource);
    TornDown = 0;
    ReadsAfterTeardown = 0;
    pthread_t reader, writer;
    if (pthread_create(&reader, NULL, reader_body, NULL) != 0 ||
        pthread_create(&writer, NULL, writer_body, NULL) != 0) {
        perror("pthread_create");
        exit(2);
    }
    pthread_join(reader, NULL);
    pthread_join(writer, NULL);
    ExDeleteResourceLite(&BufferResource);
    if (ReadsAfterTeardown != 0) {
        printf("%d batch(es) read after the teardown\n", ReadsAfterTeardown);
        return 1;
    }
    return 0;
}

/* A teardown that frees before it waits: the unload path marks the device freed,
 * unlinks it from the device list and only then runs the rundown down, so a worker
 * that took its protection before the rundown started can use the freed device. The
 * two workers, started first, usually finish their requests before the unload runs. */
#define WORKERS 2
#define REQUESTS 8
static EX_RUNDOWN_REF DeviceRundown;
static EX_PUSH_LOCK DeviceListLock;
static volatile int DeviceLinked, DeviceFreed;
static int UsedAfterFree;

static void *worker_body(void *arg) {
    (void)arg;
    for (int request = 0; request < REQUESTS; request++) {
        if (!ExAcquireRundownProtection(&DeviceRundown)) break;
        FltAcquirePushLockShared(&DeviceListLock);
        int linked = DeviceLinked;
        FltReleasePushLock(&DeviceListLock);
        if (__atomic_load_n(&DeviceFreed, __ATOMIC_SEQ_CST)) {
            __atomic_add_fetch(&UsedAfterFree, 1, __ATOMIC_SEQ_CST);
        }
        ExReleaseRundownProtection(&DeviceRundown);
        if (!linked) break;
    }
    return NULL;
}

static void *unload_body(void *arg) {
    (void)arg;
    __atomic_store_n(&DeviceFreed, 1, __ATOMIC_SEQ_CST); /* the bug: free first ... */
    FltAcquirePushLockExclusive(&DeviceListLock);
    DeviceLinked = 0;
    FltReleasePushLock(&DeviceListLock);
    ExWaitForRundownProtectionRelease(&DeviceRundown); /* ... then wait for users */
    return NULL;
}

static int teardown_frees_before_rundown(void) {
    ExInitializeRundownProtection(&DeviceRundown);
    FltInitializePushLock(&DeviceListLock);
    DeviceLinked = 1;
    DeviceFreed = 0;
    UsedAfterFree = 0;
    pthread_t threads[WORKERS + 1];
    for (int i = 0; i <= WORKERS; i++) {
        if (pthread_create(&threads[i], NULL, i < WORKERS ? worker_body : unload_body, NULL) !=
            0) {
            perror("pthread_create");
            exit(2);
        }
    }
    for (int i = 0; i <= WORKERS; i++) {
        pthread_join(threads[i], NULL);
    }
    FltDeletePushLock(&DeviceListLock);
    if (UsedAfterFree != 0) {
        printf("%d request(s) used the device after it was freed\n", UsedAfterFree);
        return 1;
    }
    return 0;
}

/* The correct twin of lost_update: read and write under one exclusive hold. */
static void *correct_body(void *arg) {
    (void)arg;
    for (int round = 0; round < LOST_ROUNDS; round++) {
        FltAcquirePushLockExclusive(&CounterLock);
        Counter++;
        FltReleasePushLock(&CounterLock);
    }
    return NULL;
}

static int correct(void) {
    FltInitializePushLock(&CounterLock);
    Counter = 0;
    run_threads(3, correct_body, NULL);
    FltDeletePushLock(&CounterLock);
    if (Counter != 3 * LOST_ROUNDS) {
        printf("false alarm: %ld of %d\n", Counter, 3 * LOST_ROUNDS);
        return 1;
    }
    return 0;
}

static PROGRAM find(const char *name) {
    if (strcmp(name, "lost_update") == 0) return lost_update;
    if (strcmp(name, "check_then_act") == 0) return check_then_act;
    if (strcmp(name, "writer_trusts_reader") == 0) return writer_trusts_reader;
    if (strcmp(name, "teardown_frees_before_rundown") == 0) return teardown_frees_before_rundown;
    if (strcmp(name, "correct") == 0) return correct;
    fprintf(stderr, "unknown case %s\n", name);
    exit(2);
}

static long long now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "once") == 0) {
        return find(argv[2])();
    }
    if (argc == 5 && strcmp(argv[1], "seeds") == 0) {
        PROGRAM program = find(argv[2]);
        uint64_t first = strtoull(argv[3], NULL, 0), count = strtoull(argv[4], NULL, 0);
        for (uint64_t seed = first; seed < first + count; seed++) {
            PushLockStressEnable(seed);
            int failed = program();
            PushLockStressDisable();
            if (failed) {
                printf("seed %llu failed (rerun: PUSHLOCK_STRESS=%llu %s once %s)\n",
                       (unsigned long long)seed, (unsigned long long)seed, argv[0], argv[2]);
                return 1;
            }
        }
        printf("all %llu seeds passed\n", (unsigned long long)count);
        return 0;
    }
    if (argc == 6 && strcmp(argv[1], "count") == 0) {
        PROGRAM program = find(argv[2]);
        uint64_t first = strtoull(argv[3], NULL, 0), count = strtoull(argv[4], NULL, 0);
        int stressed = strcmp(argv[5], "stress") == 0;
        unsigned exposed = 0;
        long long slowest = 0;
        for (uint64_t seed = first; seed < first + count; seed++) {
            if (stressed) PushLockStressEnable(seed);
            long long start = now_us();
            exposed += (unsigned)program();
            long long took = now_us() - start;
            if (took > slowest) slowest = took;
            PushLockStressDisable();
        }
        printf("exposed %u of %llu, slowest %lld us\n", exposed, (unsigned long long)count,
               slowest);
        return 0;
    }
    fprintf(stderr, "usage: %s once <case> | seeds <case> <first> <count> | "
                    "count <case> <first> <count> <stress|plain>\n", argv[0]);
    return 2;
}
