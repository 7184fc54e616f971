//! Spin locks, `KSPIN_LOCK` and `KLOCK_QUEUE_HANDLE`: translations of
//! [`pushlock::SpinLock`]. Acquire raises the simulated IRQL to `DISPATCH_LEVEL`,
//! release restores the old one.

use pushlock::SpinLock;
use pushlock::thread::Irql;

use crate::stop::{enter, guarded};
use crate::types::{KIRQL, PKIRQL, PKLOCK_QUEUE_HANDLE, PKSPIN_LOCK};

/// Turns the caller's `KSPIN_LOCK` storage into the core's lock.
///
/// # Safety
///
/// `lock` is 8-aligned `KSPIN_LOCK` storage initialized by `KeInitializeSpinLock` that
/// outlives the call (NULL is checked).
unsafe fn spin_lock<'a>(lock: PKSPIN_LOCK, function: &'static str) -> &'a SpinLock {
    let lock = enter(lock, function);
    // SAFETY: non-null (just checked); `KSPIN_LOCK` and `SpinLock` have the same size
    // and alignment (asserted in `types`) and `SpinLock` is one atomic word.
    unsafe { &*(lock as *const SpinLock) }
}

fn irql(level: KIRQL) -> Irql {
    Irql(level)
}

/// `KeInitializeSpinLock`: a free spin lock.
///
/// # Safety
///
/// `SpinLock` points to writable `KSPIN_LOCK` storage no other thread uses yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn KeInitializeSpinLock(SpinLock: PKSPIN_LOCK) {
    guarded(|| {
        let lock = enter(SpinLock, "KeInitializeSpinLock");
        // SAFETY: non-null, aligned storage the caller owns exclusively (contract above).
        unsafe { (lock as *mut pushlock::SpinLock).write(pushlock::SpinLock::new()) };
    })
}

/// `KeAcquireSpinLock`: raises to `DISPATCH_LEVEL`, spins until held, stores the old
/// IRQL in `*OldIrql`.
///
/// # Safety
///
/// `SpinLock` was initialized; `OldIrql` points to writable `KIRQL` storage.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn KeAcquireSpinLock(SpinLock: PKSPIN_LOCK, OldIrql: PKIRQL) {
    guarded(|| {
        let out = enter(OldIrql, "KeAcquireSpinLock");
        // SAFETY: the caller's contract is `spin_lock`'s.
        let old = unsafe { spin_lock(SpinLock, "KeAcquireSpinLock") }.acquire();
        // SAFETY: non-null (checked), writable (contract above).
        unsafe { out.write(old.0) };
    })
}

/// `KeReleaseSpinLock`: releases and lowers the IRQL to `NewIrql`.
///
/// # Safety
///
/// `SpinLock` was initialized.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn KeReleaseSpinLock(SpinLock: PKSPIN_LOCK, NewIrql: KIRQL) {
    guarded(|| {
        // SAFETY: the caller's contract is `spin_lock`'s.
        unsafe { spin_lock(SpinLock, "KeReleaseSpinLock") }.release(irql(NewIrql));
    })
}

/// `KeAcquireSpinLockAtDpcLevel`: takes the lock, IRQL unchanged.
///
/// # Safety
///
/// `SpinLock` was initialized.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn KeAcquireSpinLockAtDpcLevel(SpinLock: PKSPIN_LOCK) {
    guarded(|| {
        // SAFETY: the caller's contract is `spin_lock`'s.
        unsafe { spin_lock(SpinLock, "KeAcquireSpinLockAtDpcLevel") }.acquire_at_dpc_level();
    })
}

/// `KeReleaseSpinLockFromDpcLevel`: releases, IRQL unchanged.
///
/// # Safety
///
/// `SpinLock` was initialized.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn KeReleaseSpinLockFromDpcLevel(SpinLock: PKSPIN_LOCK) {
    guarded(|| {
        // SAFETY: the caller's contract is `spin_lock`'s.
        unsafe { spin_lock(SpinLock, "KeReleaseSpinLockFromDpcLevel") }.release_from_dpc_level();
    })
}

/// `KeAcquireInStackQueuedSpinLock`: as `KeAcquireSpinLock`, recording the lock and
/// the old IRQL in `*LockHandle`.
///
/// # Safety
///
/// `SpinLock` was initialized; `LockHandle` points to writable `KLOCK_QUEUE_HANDLE`
/// storage that stays put until the release.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn KeAcquireInStackQueuedSpinLock(
    SpinLock: PKSPIN_LOCK,
    LockHandle: PKLOCK_QUEUE_HANDLE,
) {
    guarded(|| {
        let handle = enter(LockHandle, "KeAcquireInStackQueuedSpinLock");
        // SAFETY: the caller's contract is `spin_lock`'s.
        let old = unsafe { spin_lock(SpinLock, "KeAcquireInStackQueuedSpinLock") }.acquire();
        // SAFETY: non-null (checked), writable (contract above).
        unsafe {
            (*handle).LockQueue.Next = core::ptr::null_mut();
            (*handle).LockQueue.Lock = SpinLock;
            (*handle).OldIrql = old.0;
        }
    })
}

/// `KeReleaseInStackQueuedSpinLock`: releases the lock the handle names and restores
/// its old IRQL.
///
/// # Safety
///
/// `LockHandle` was filled by `KeAcquireInStackQueuedSpinLock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn KeReleaseInStackQueuedSpinLock(LockHandle: PKLOCK_QUEUE_HANDLE) {
    guarded(|| {
        let handle = enter(LockHandle, "KeReleaseInStackQueuedSpinLock");
        // SAFETY: non-null (checked), filled by the acquire (contract above).
        let (lock, old) = unsafe { ((*handle).LockQueue.Lock, (*handle).OldIrql) };
        // SAFETY: the handle names an initialized lock (contract above); NULL is checked.
        unsafe { spin_lock(lock, "KeReleaseInStackQueuedSpinLock") }.release(irql(old));
    })
}
