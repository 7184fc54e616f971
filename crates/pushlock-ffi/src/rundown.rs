//! Rundown protection, `EX_RUNDOWN_REF`: translations of [`pushlock::RundownRef`].
//!
//! Misuse (a release without an acquire, a second wait, `ExRundownCompleted` or
//! `ExReInitializeRundownProtection` before rundown finished) is the core's bug check
//! `0xC4` with sub-code `0x1030`-`0x1033`; a NULL reference is `0xF000`.

use pushlock::RundownRef;

use crate::resource::boolean;
use crate::stop::{enter, guarded};
use crate::types::{BOOLEAN, PEX_RUNDOWN_REF, ULONG};

/// Turns the caller's `EX_RUNDOWN_REF` storage into the core's reference.
///
/// # Safety
///
/// `rundown` is 8-aligned `EX_RUNDOWN_REF` storage, initialized by
/// `ExInitializeRundownProtection`, that outlives the call and is only accessed
/// through these functions (NULL is checked).
unsafe fn rundown_ref<'a>(rundown: PEX_RUNDOWN_REF, function: &'static str) -> &'a RundownRef {
    let rundown = enter(rundown, function);
    // SAFETY: non-null (just checked); `EX_RUNDOWN_REF` and `RundownRef` have the same
    // size and alignment (asserted in `types`) and `RundownRef` is one atomic word, so
    // the caller's valid storage (this fn's contract) is a valid `RundownRef`.
    unsafe { &*(rundown as *const RundownRef) }
}

/// `ExInitializeRundownProtection`: no protections held, no rundown.
///
/// # Safety
///
/// `RunRef` points to writable `EX_RUNDOWN_REF` storage no other thread uses yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExInitializeRundownProtection(RunRef: PEX_RUNDOWN_REF) {
    guarded(|| {
        let rundown = enter(RunRef, "ExInitializeRundownProtection");
        // SAFETY: non-null, aligned storage the caller owns exclusively (contract
        // above); `RundownRef` has the size and alignment of `EX_RUNDOWN_REF`.
        unsafe { (rundown as *mut RundownRef).write(RundownRef::new()) };
    })
}

/// `ExAcquireRundownProtection`: `TRUE` with one protection taken, `FALSE` once
/// rundown started.
///
/// # Safety
///
/// `RunRef` was initialized by `ExInitializeRundownProtection`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExAcquireRundownProtection(RunRef: PEX_RUNDOWN_REF) -> BOOLEAN {
    guarded(|| {
        // SAFETY: the caller's contract is `rundown_ref`'s.
        boolean(unsafe { rundown_ref(RunRef, "ExAcquireRundownProtection") }.acquire())
    })
}

/// `ExAcquireRundownProtectionEx`: takes `Count` protections, or none (`FALSE`) once
/// rundown started.
///
/// # Safety
///
/// `RunRef` was initialized by `ExInitializeRundownProtection`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExAcquireRundownProtectionEx(
    RunRef: PEX_RUNDOWN_REF,
    Count: ULONG,
) -> BOOLEAN {
    guarded(|| {
        // SAFETY: the caller's contract is `rundown_ref`'s.
        let rundown = unsafe { rundown_ref(RunRef, "ExAcquireRundownProtectionEx") };
        boolean(rundown.acquire_ex(Count as usize))
    })
}

/// `ExReleaseRundownProtection`: drops one protection; the last one during a rundown
/// wakes the waiter.
///
/// # Safety
///
/// `RunRef` was initialized by `ExInitializeRundownProtection`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExReleaseRundownProtection(RunRef: PEX_RUNDOWN_REF) {
    guarded(|| {
        // SAFETY: the caller's contract is `rundown_ref`'s.
        unsafe { rundown_ref(RunRef, "ExReleaseRundownProtection") }.release();
    })
}

/// `ExReleaseRundownProtectionEx`: drops `Count` protections.
///
/// # Safety
///
/// `RunRef` was initialized by `ExInitializeRundownProtection`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExReleaseRundownProtectionEx(RunRef: PEX_RUNDOWN_REF, Count: ULONG) {
    guarded(|| {
        // SAFETY: the caller's contract is `rundown_ref`'s.
        unsafe { rundown_ref(RunRef, "ExReleaseRundownProtectionEx") }.release_ex(Count as usize);
    })
}

/// `ExWaitForRundownProtectionRelease`: starts rundown (acquires fail from now on)
/// and blocks, parked, until every protection was released.
///
/// # Safety
///
/// `RunRef` was initialized by `ExInitializeRundownProtection`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExWaitForRundownProtectionRelease(RunRef: PEX_RUNDOWN_REF) {
    guarded(|| {
        // SAFETY: the caller's contract is `rundown_ref`'s.
        unsafe { rundown_ref(RunRef, "ExWaitForRundownProtectionRelease") }.wait_for_release();
    })
}

/// `ExRundownCompleted`: marks rundown complete (the wait already did; this checks
/// that it finished).
///
/// # Safety
///
/// `RunRef` was initialized by `ExInitializeRundownProtection`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExRundownCompleted(RunRef: PEX_RUNDOWN_REF) {
    guarded(|| {
        // SAFETY: the caller's contract is `rundown_ref`'s.
        unsafe { rundown_ref(RunRef, "ExRundownCompleted") }.completed();
    })
}

/// `ExReInitializeRundownProtection`: makes a run-down reference usable again.
///
/// # Safety
///
/// `RunRef` was initialized by `ExInitializeRundownProtection`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExReInitializeRundownProtection(RunRef: PEX_RUNDOWN_REF) {
    guarded(|| {
        // SAFETY: the caller's contract is `rundown_ref`'s.
        unsafe { rundown_ref(RunRef, "ExReInitializeRundownProtection") }.reinitialize();
    })
}
