//! `FltInitializePushLock`, `FltAcquirePushLock…`, `FltReleasePushLock`,
//! `FltDeletePushLock`: the Filter Manager push lock calls, critical region included.

use pushlock::{RawPushLock, flt};

use crate::stop::{enter, guarded};
use crate::types::{PEX_PUSH_LOCK, ULONG};

/// Turns the caller's `EX_PUSH_LOCK` storage into the core's lock.
///
/// # Safety
///
/// `lock` is non-null (checked by `enter`), 8-aligned `EX_PUSH_LOCK` storage that
/// outlives the call and is only accessed through these functions.
pub(crate) unsafe fn push_lock<'a>(lock: PEX_PUSH_LOCK, function: &'static str) -> &'a RawPushLock {
    let lock = enter(lock, function);
    // SAFETY: non-null (just checked); `EX_PUSH_LOCK` and `RawPushLock` have the same
    // size and alignment (asserted in `types`) and `RawPushLock` is one atomic word,
    // so the caller's valid storage (this fn's contract) is a valid `RawPushLock`.
    unsafe { &*(lock as *const RawPushLock) }
}

/// `FltInitializePushLock`: makes `PushLock` a free push lock.
///
/// # Safety
///
/// `PushLock` points to writable `EX_PUSH_LOCK` storage no other thread uses yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FltInitializePushLock(PushLock: PEX_PUSH_LOCK) {
    guarded(|| {
        let lock = enter(PushLock, "FltInitializePushLock");
        // SAFETY: non-null, aligned storage the caller owns exclusively (contract above);
        // `RawPushLock` has the size and alignment of `EX_PUSH_LOCK`.
        unsafe { (lock as *mut RawPushLock).write(RawPushLock::new()) };
    })
}

/// `FltAcquirePushLockExclusive`: enters a critical region and acquires exclusive.
///
/// # Safety
///
/// `PushLock` was initialized by `FltInitializePushLock` and not deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FltAcquirePushLockExclusive(PushLock: PEX_PUSH_LOCK) {
    guarded(|| {
        // SAFETY: the caller's contract is `push_lock`'s.
        flt::acquire_push_lock_exclusive(unsafe {
            push_lock(PushLock, "FltAcquirePushLockExclusive")
        });
    })
}

/// `FltAcquirePushLockShared`: enters a critical region and acquires shared.
///
/// # Safety
///
/// `PushLock` was initialized by `FltInitializePushLock` and not deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FltAcquirePushLockShared(PushLock: PEX_PUSH_LOCK) {
    guarded(|| {
        // SAFETY: the caller's contract is `push_lock`'s.
        flt::acquire_push_lock_shared(unsafe { push_lock(PushLock, "FltAcquirePushLockShared") });
    })
}

/// `FltAcquirePushLockExclusiveEx`: as `FltAcquirePushLockExclusive`, with flags
/// (`FLT_PUSH_LOCK_*`; any other bit is bug check `0x152`).
///
/// # Safety
///
/// `PushLock` was initialized by `FltInitializePushLock` and not deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FltAcquirePushLockExclusiveEx(PushLock: PEX_PUSH_LOCK, Flags: ULONG) {
    guarded(|| {
        // SAFETY: the caller's contract is `push_lock`'s.
        let lock = unsafe { push_lock(PushLock, "FltAcquirePushLockExclusiveEx") };
        flt::acquire_push_lock_exclusive_ex(lock, Flags);
    })
}

/// `FltAcquirePushLockSharedEx`: as `FltAcquirePushLockShared`, with flags.
///
/// # Safety
///
/// `PushLock` was initialized by `FltInitializePushLock` and not deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FltAcquirePushLockSharedEx(PushLock: PEX_PUSH_LOCK, Flags: ULONG) {
    guarded(|| {
        // SAFETY: the caller's contract is `push_lock`'s.
        let lock = unsafe { push_lock(PushLock, "FltAcquirePushLockSharedEx") };
        flt::acquire_push_lock_shared_ex(lock, Flags);
    })
}

/// `FltReleasePushLock`: releases either mode and leaves the critical region.
///
/// # Safety
///
/// The calling thread holds `PushLock` through one of the `FltAcquirePushLock…` calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FltReleasePushLock(PushLock: PEX_PUSH_LOCK) {
    guarded(|| {
        // SAFETY: the caller's contract is `push_lock`'s.
        let lock = unsafe { push_lock(PushLock, "FltReleasePushLock") };
        // SAFETY: the calling thread holds the lock (this fn's contract).
        unsafe { flt::release_push_lock(lock) };
    })
}

/// `FltReleasePushLockEx`: as `FltReleasePushLock`, with flags (`FLT_PUSH_LOCK_*`;
/// any other bit is bug check `0x152`).
///
/// # Safety
///
/// The calling thread holds `PushLock` through one of the `FltAcquirePushLock…` calls.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FltReleasePushLockEx(PushLock: PEX_PUSH_LOCK, Flags: ULONG) {
    guarded(|| {
        // SAFETY: the caller's contract is `push_lock`'s.
        let lock = unsafe { push_lock(PushLock, "FltReleasePushLockEx") };
        // SAFETY: the calling thread holds the lock (this fn's contract).
        unsafe { flt::release_push_lock_ex(lock, Flags) };
    })
}

/// `FltDeletePushLock`: frees nothing (SPEC P10); afterwards the storage may be reused.
///
/// # Safety
///
/// `PushLock` was initialized by `FltInitializePushLock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FltDeletePushLock(PushLock: PEX_PUSH_LOCK) {
    guarded(|| {
        // SAFETY: the caller's contract is `push_lock`'s.
        flt::delete_push_lock(unsafe { push_lock(PushLock, "FltDeletePushLock") });
    })
}
