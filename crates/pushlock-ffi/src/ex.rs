//! The Ex push lock calls (no critical region), the resource shortcuts that enter
//! one, and `KeAreApcsDisabled` / `KeAreAllApcsDisabled`: translations of
//! [`pushlock::ex`].

use pushlock::{RawPushLock, ex};

use crate::push_lock::push_lock;
use crate::resource::{boolean, live};
use crate::stop::{enter, guarded};
use crate::types::{BOOLEAN, PERESOURCE, PEX_PUSH_LOCK, PVOID};

/// `ExInitializePushLock`: makes `PushLock` a free push lock.
///
/// # Safety
///
/// `PushLock` points to writable `EX_PUSH_LOCK` storage no other thread uses yet.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExInitializePushLock(PushLock: PEX_PUSH_LOCK) {
    guarded(|| {
        let lock = enter(PushLock, "ExInitializePushLock");
        // SAFETY: non-null, aligned storage the caller owns exclusively (contract
        // above); `RawPushLock` has the size and alignment of `EX_PUSH_LOCK`.
        unsafe { (lock as *mut RawPushLock).write(RawPushLock::new()) };
    })
}

/// `ExAcquirePushLockExclusive`: acquires exclusive; enters no critical region.
///
/// # Safety
///
/// `PushLock` was initialized and not deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExAcquirePushLockExclusive(PushLock: PEX_PUSH_LOCK) {
    guarded(|| {
        // SAFETY: the caller's contract is `push_lock`'s.
        ex::acquire_push_lock_exclusive(unsafe {
            push_lock(PushLock, "ExAcquirePushLockExclusive")
        });
    })
}

/// `ExAcquirePushLockShared`: acquires shared; enters no critical region.
///
/// # Safety
///
/// `PushLock` was initialized and not deleted.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExAcquirePushLockShared(PushLock: PEX_PUSH_LOCK) {
    guarded(|| {
        // SAFETY: the caller's contract is `push_lock`'s.
        ex::acquire_push_lock_shared(unsafe { push_lock(PushLock, "ExAcquirePushLockShared") });
    })
}

/// `ExReleasePushLockExclusive`.
///
/// # Safety
///
/// The calling thread holds `PushLock` exclusive.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExReleasePushLockExclusive(PushLock: PEX_PUSH_LOCK) {
    guarded(|| {
        // SAFETY: the caller's contract is `push_lock`'s.
        let lock = unsafe { push_lock(PushLock, "ExReleasePushLockExclusive") };
        // SAFETY: the calling thread holds the lock exclusive (this fn's contract).
        unsafe { ex::release_push_lock_exclusive(lock) };
    })
}

/// `ExReleasePushLockShared`.
///
/// # Safety
///
/// The calling thread holds `PushLock` shared.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExReleasePushLockShared(PushLock: PEX_PUSH_LOCK) {
    guarded(|| {
        // SAFETY: the caller's contract is `push_lock`'s.
        let lock = unsafe { push_lock(PushLock, "ExReleasePushLockShared") };
        // SAFETY: the calling thread holds the lock shared (this fn's contract).
        unsafe { ex::release_push_lock_shared(lock) };
    })
}

/// `ExReleasePushLock`: releases either mode.
///
/// # Safety
///
/// The calling thread holds `PushLock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExReleasePushLock(PushLock: PEX_PUSH_LOCK) {
    guarded(|| {
        // SAFETY: the caller's contract is `push_lock`'s.
        let lock = unsafe { push_lock(PushLock, "ExReleasePushLock") };
        // SAFETY: the calling thread holds the lock (this fn's contract).
        unsafe { ex::release_push_lock(lock) };
    })
}

/// `ExEnterCriticalRegionAndAcquireResourceExclusive`: returns the (always NULL)
/// `Win32Thread`.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExEnterCriticalRegionAndAcquireResourceExclusive(
    Resource: PERESOURCE,
) -> PVOID {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        let resource =
            unsafe { live(Resource, "ExEnterCriticalRegionAndAcquireResourceExclusive") };
        ex::enter_critical_region_and_acquire_resource_exclusive(resource);
    });
    core::ptr::null_mut()
}

/// `ExEnterCriticalRegionAndAcquireResourceShared`: returns NULL.
///
/// # Safety
///
/// As `ExEnterCriticalRegionAndAcquireResourceExclusive`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExEnterCriticalRegionAndAcquireResourceShared(
    Resource: PERESOURCE,
) -> PVOID {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        let resource = unsafe { live(Resource, "ExEnterCriticalRegionAndAcquireResourceShared") };
        ex::enter_critical_region_and_acquire_resource_shared(resource);
    });
    core::ptr::null_mut()
}

/// `ExEnterCriticalRegionAndAcquireSharedWaitForExclusive`: returns NULL.
///
/// # Safety
///
/// As `ExEnterCriticalRegionAndAcquireResourceExclusive`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExEnterCriticalRegionAndAcquireSharedWaitForExclusive(
    Resource: PERESOURCE,
) -> PVOID {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        let resource = unsafe {
            live(
                Resource,
                "ExEnterCriticalRegionAndAcquireSharedWaitForExclusive",
            )
        };
        ex::enter_critical_region_and_acquire_shared_wait_for_exclusive(resource);
    });
    core::ptr::null_mut()
}

/// `ExReleaseResourceAndLeaveCriticalRegion`.
///
/// # Safety
///
/// As `ExEnterCriticalRegionAndAcquireResourceExclusive`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExReleaseResourceAndLeaveCriticalRegion(Resource: PERESOURCE) {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        let resource = unsafe { live(Resource, "ExReleaseResourceAndLeaveCriticalRegion") };
        ex::release_resource_and_leave_critical_region(resource);
    })
}

/// `ExTryToAcquireResourceExclusiveLite`: exclusive without waiting.
///
/// # Safety
///
/// As `ExEnterCriticalRegionAndAcquireResourceExclusive`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExTryToAcquireResourceExclusiveLite(Resource: PERESOURCE) -> BOOLEAN {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        let resource = unsafe { live(Resource, "ExTryToAcquireResourceExclusiveLite") };
        boolean(ex::try_to_acquire_resource_exclusive_lite(resource))
    })
}

/// `ExIsResourceAcquiredLite`: whether the calling thread owns it in either mode.
///
/// # Safety
///
/// As `ExEnterCriticalRegionAndAcquireResourceExclusive`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExIsResourceAcquiredLite(Resource: PERESOURCE) -> BOOLEAN {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        boolean(ex::is_resource_acquired_lite(unsafe {
            live(Resource, "ExIsResourceAcquiredLite")
        }))
    })
}

/// `KeAreApcsDisabled`: inside a critical region or at `APC_LEVEL` or above.
#[unsafe(no_mangle)]
pub extern "C" fn KeAreApcsDisabled() -> BOOLEAN {
    guarded(|| boolean(ex::are_apcs_disabled()))
}

/// `KeAreAllApcsDisabled`: at `APC_LEVEL` or above.
#[unsafe(no_mangle)]
pub extern "C" fn KeAreAllApcsDisabled() -> BOOLEAN {
    guarded(|| boolean(ex::are_all_apcs_disabled()))
}
