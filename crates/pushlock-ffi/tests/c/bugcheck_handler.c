/* Misuse checked in-process: PushLockSetBugCheckHandler's handler records each stop
 * and returns ("continue"), so the failing call returns to this test instead of
 * aborting; then the !locks report through PushLockFormatLocks. */
#include "pushlock.h"

#include <stdio.h>
#include <string.h>

static int Stops;
static ULONG LastCode;
static ULONG_PTR LastParameter1;
static char LastText[512];

static void RecordStop(ULONG BugCheckCode, ULONG_PTR Parameter1, ULONG_PTR Parameter2,
                       ULONG_PTR Parameter3, ULONG_PTR Parameter4, const char *StopText,
                       PVOID Context) {
    (void)Parameter2;
    (void)Parameter3;
    (void)Parameter4;
    *(int *)Context += 1;
    LastCode = BugCheckCode;
    LastParameter1 = Parameter1;
    snprintf(LastText, sizeof LastText, "%s", StopText);
}

static int Failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            Failures++;                                                      \
        }                                                                    \
    } while (0)

/* Runs one misuse and checks exactly one stop with this code (and sub-code). */
#define EXPECT_STOP(call, code, p1)                                      \
    do {                                                                 \
        int before = Stops;                                              \
        call;                                                            \
        CHECK(Stops == before + 1);                                      \
        CHECK(LastCode == (code));                                       \
        CHECK((p1) == (ULONG_PTR)-1 || LastParameter1 == (ULONG_PTR)(p1)); \
    } while (0)

int main(void) {
    ERESOURCE resource;
    EX_PUSH_LOCK lock;
    KIRQL old_irql;
    char report[4096];
    size_t length;

    PushLockSetBugCheckHandler(RecordStop, &Stops);

    /* A release of an unowned resource: 0xE3, and the resource stays usable. */
    ExInitializeResourceLite(&resource);
    EXPECT_STOP(ExReleaseResourceLite(&resource), 0xE3, (ULONG_PTR)-1);
    CHECK(strstr(LastText, "RESOURCE_NOT_OWNED") != NULL);
    CHECK(ExAcquireResourceExclusiveLite(&resource, TRUE) == TRUE);

    /* An owner value of 0 is neither a thread nor an owner pointer: 0x16E, and the
     * owner keeps the resource (a third acquire still recurses; a try from here
     * sees it owned). Checked in table mode too, after the recursion below. */
    EXPECT_STOP(ExReleaseResourceForThreadLite(&resource, 0), 0x16E, (ULONG_PTR)&resource);
    CHECK(ExIsResourceAcquiredExclusiveLite(&resource) == TRUE);

    /* The !locks report shows the owned resource once it has an owner table
     * (recursion moves it there). */
    CHECK(ExAcquireResourceExclusiveLite(&resource, TRUE) == TRUE);
    length = PushLockFormatLocks(report, sizeof report);
    CHECK(length > 0 && length < sizeof report);
    CHECK(strlen(report) == length);
    {
        char address[32];
        snprintf(address, sizeof address, "%lx", (unsigned long)(uintptr_t)&resource);
        CHECK(strstr(report, address) != NULL);
    }
    /* snprintf semantics: the full length, the text truncated and terminated. */
    CHECK(PushLockFormatLocks(NULL, 0) == length);
    CHECK(PushLockFormatLocks(report, 8) == length);
    CHECK(strlen(report) == 7);

    EXPECT_STOP(ExReleaseResourceForThreadLite(&resource, 0), 0x16E, (ULONG_PTR)&resource);
    CHECK(ExIsResourceAcquiredExclusiveLite(&resource) == TRUE);
    CHECK(ExGetExclusiveWaiterCount(&resource) == 0);

    /* Deleting an owned resource is a stop; the call fails and the resource lives on. */
    EXPECT_STOP(CHECK(ExDeleteResourceLite(&resource) == STATUS_UNSUCCESSFUL), 0xC4,
                (ULONG_PTR)-1);
    ExReleaseResourceLite(&resource);
    ExReleaseResourceLite(&resource);
    CHECK(ExIsResourceAcquiredExclusiveLite(&resource) == FALSE);
    CHECK(ExDeleteResourceLite(&resource) == STATUS_SUCCESS);

    /* A deleted resource, a NULL pointer, bad flags, a leave without an enter. */
    EXPECT_STOP(ExAcquireResourceSharedLite(&resource, TRUE), 0xC4, 0xF002);
    EXPECT_STOP(ExAcquireResourceExclusiveLite(NULL, TRUE), 0xC4, 0xF000);
    EXPECT_STOP(KeRaiseIrql(APC_LEVEL, NULL), 0xC4, 0xF000);
    FltInitializePushLock(&lock);
    EXPECT_STOP(FltAcquirePushLockSharedEx(&lock, 4), 0x152, 4);
    /* The stopped acquire took nothing: the lock is free for a writer. */
    FltAcquirePushLockExclusive(&lock);
    FltReleasePushLock(&lock);
    EXPECT_STOP(KeLeaveCriticalRegion(), 0xC4, 0x3E);
    KeRaiseIrql(APC_LEVEL, &old_irql);
    CHECK(old_irql == PASSIVE_LEVEL);
    KeLowerIrql(old_irql);

    PushLockSetBugCheckHandler(NULL, NULL);
    if (Failures) {
        fprintf(stderr, "%d check(s) failed\n", Failures);
        return 1;
    }
    printf("%d stops intercepted\n", Stops);
    return 0;
}
