//! The Ex-level kernel calls that take no critical region themselves: the
//! `ExAcquirePushLock…` / `ExReleasePushLock…` calls, the resource shortcuts that do
//! enter one (`ExEnterCriticalRegionAndAcquireResource…`,
//! `ExReleaseResourceAndLeaveCriticalRegion`), `ExTryToAcquireResourceExclusiveLite`,
//! `ExIsResourceAcquiredLite`, and the APC queries `KeAreApcsDisabled` /
//! `KeAreAllApcsDisabled` (SPEC A1-A4, V1, V3).
//!
//! The push lock calls here are the [`RawPushLock`] operations plus two verifier
//! checks (feature `verifier`):
//! - an acquire at `PASSIVE_LEVEL` outside a critical region is stop
//!   [`crate::verifier_codes::EX_ACQUIRE_OUTSIDE_CRITICAL_REGION`]: the kernel requires
//!   the caller of `ExAcquirePushLock…` to have normal APCs disabled;
//! - `release_push_lock_exclusive` of a lock held shared, or `release_push_lock_shared`
//!   of one held exclusive, is stop [`crate::verifier_codes::RELEASE_WRONG_MODE`].
//!
//! No new state: these functions hold no data of their own, so there is no state
//! machine to draw; the push lock's is in `src/push_lock/raw.rs`.
//!
//! # Examples
//!
//! ```
//! use pushlock::{RawPushLock, ex, thread};
//!
//! static LOCK: RawPushLock = RawPushLock::new();
//!
//! let _region = thread::CriticalRegion::enter();
//! ex::acquire_push_lock_exclusive(&LOCK);
//! assert!(ex::are_apcs_disabled());
//! // SAFETY: held exclusive just above.
//! unsafe { ex::release_push_lock_exclusive(&LOCK) };
//! ```

use crate::thread::{CriticalRegion, Irql, current_irql, leave_critical_region};
use crate::verifier::{self, Mode};
use crate::{RawPushLock, Resource};

/// `ExAcquirePushLockExclusive`: [`RawPushLock::acquire_exclusive`], with the Ex
/// caller's rule checked by the verifier.
///
/// # Panics
///
/// Under the verifier: at `PASSIVE_LEVEL` outside a critical region, stop
/// `0x1020` (p2 the lock, p3 the thread); else the push lock's own stops.
///
/// # Examples
///
/// ```
/// let lock = pushlock::RawPushLock::new();
/// pushlock::thread::enter_critical_region();
/// pushlock::ex::acquire_push_lock_exclusive(&lock);
/// // SAFETY: held exclusive just above.
/// unsafe { pushlock::ex::release_push_lock(&lock) };
/// pushlock::thread::leave_critical_region();
/// ```
#[track_caller]
pub fn acquire_push_lock_exclusive(lock: &RawPushLock) {
    verifier::on_ex_acquire(lock as *const RawPushLock as usize);
    lock.acquire_exclusive();
}

/// `ExAcquirePushLockShared`: [`RawPushLock::acquire_shared`], checked as
/// [`acquire_push_lock_exclusive`].
///
/// # Panics
///
/// As [`acquire_push_lock_exclusive`].
///
/// # Examples
///
/// ```
/// let lock = pushlock::RawPushLock::new();
/// pushlock::thread::enter_critical_region();
/// pushlock::ex::acquire_push_lock_shared(&lock);
/// // SAFETY: held shared just above.
/// unsafe { pushlock::ex::release_push_lock_shared(&lock) };
/// pushlock::thread::leave_critical_region();
/// ```
#[track_caller]
pub fn acquire_push_lock_shared(lock: &RawPushLock) {
    verifier::on_ex_acquire(lock as *const RawPushLock as usize);
    lock.acquire_shared();
}

/// `ExReleasePushLockExclusive`.
///
/// # Safety
///
/// The calling thread holds `lock` exclusive and releases that acquisition once.
///
/// # Panics
///
/// Under the verifier, if the thread holds it shared: stop `0x1021` (p4 = 0, the
/// mode held); releasing a lock not held is stop `0x1005`.
///
/// # Examples
///
/// As [`acquire_push_lock_exclusive`].
#[track_caller]
pub unsafe fn release_push_lock_exclusive(lock: &RawPushLock) {
    verifier::on_ex_release(lock as *const RawPushLock as usize, Mode::Exclusive);
    // SAFETY: the caller holds `lock` and releases it once (this function's contract).
    unsafe { lock.release() };
}

/// `ExReleasePushLockShared`.
///
/// # Safety
///
/// The calling thread holds `lock` shared and releases that acquisition once.
///
/// # Panics
///
/// Under the verifier, if the thread holds it exclusive: stop `0x1021` (p4 = 1).
///
/// # Examples
///
/// As [`acquire_push_lock_shared`].
#[track_caller]
pub unsafe fn release_push_lock_shared(lock: &RawPushLock) {
    verifier::on_ex_release(lock as *const RawPushLock as usize, Mode::Shared);
    // SAFETY: as `release_push_lock_exclusive`.
    unsafe { lock.release() };
}

/// `ExReleasePushLock`: releases whichever mode the thread holds.
///
/// # Safety
///
/// The calling thread holds `lock` and releases that acquisition once.
///
/// # Panics
///
/// Under the verifier, releasing a lock not held is stop `0x1005`.
///
/// # Examples
///
/// As [`acquire_push_lock_exclusive`].
#[track_caller]
pub unsafe fn release_push_lock(lock: &RawPushLock) {
    // SAFETY: as `release_push_lock_exclusive`.
    unsafe { lock.release() };
}

/// `ExEnterCriticalRegionAndAcquireResourceExclusive`: enters a critical region, then
/// acquires exclusive (waiting). The C call returns the thread's `Win32Thread`, which
/// is always NULL here.
///
/// # Panics
///
/// As [`Resource::acquire_exclusive_lite`]; the region is left again if it panics.
///
/// # Examples
///
/// ```
/// let r = pushlock::Resource::new();
/// pushlock::ex::enter_critical_region_and_acquire_resource_exclusive(&r);
/// assert!(pushlock::ex::are_apcs_disabled());
/// pushlock::ex::release_resource_and_leave_critical_region(&r);
/// assert!(!pushlock::ex::are_apcs_disabled());
/// ```
#[track_caller]
pub fn enter_critical_region_and_acquire_resource_exclusive(resource: &Resource) {
    let region = CriticalRegion::enter();
    resource.acquire_exclusive_lite(true);
    region.keep_entered();
}

/// `ExEnterCriticalRegionAndAcquireResourceShared`.
///
/// # Panics
///
/// As [`Resource::acquire_shared_lite`].
///
/// # Examples
///
/// ```
/// let r = pushlock::Resource::new();
/// pushlock::ex::enter_critical_region_and_acquire_resource_shared(&r);
/// assert!(pushlock::ex::is_resource_acquired_lite(&r));
/// pushlock::ex::release_resource_and_leave_critical_region(&r);
/// ```
#[track_caller]
pub fn enter_critical_region_and_acquire_resource_shared(resource: &Resource) {
    let region = CriticalRegion::enter();
    resource.acquire_shared_lite(true);
    region.keep_entered();
}

/// `ExEnterCriticalRegionAndAcquireSharedWaitForExclusive`.
///
/// # Panics
///
/// As [`Resource::acquire_shared_wait_for_exclusive_lite`].
///
/// # Examples
///
/// ```
/// let r = pushlock::Resource::new();
/// pushlock::ex::enter_critical_region_and_acquire_shared_wait_for_exclusive(&r);
/// pushlock::ex::release_resource_and_leave_critical_region(&r);
/// ```
#[track_caller]
pub fn enter_critical_region_and_acquire_shared_wait_for_exclusive(resource: &Resource) {
    let region = CriticalRegion::enter();
    resource.acquire_shared_wait_for_exclusive_lite(true);
    region.keep_entered();
}

/// `ExReleaseResourceAndLeaveCriticalRegion`.
///
/// # Panics
///
/// Releasing an unowned resource is bug check `0xE3` (R11); leaving a region never
/// entered is `0xC4` / `0x3E`.
///
/// # Examples
///
/// As [`enter_critical_region_and_acquire_resource_exclusive`].
#[track_caller]
pub fn release_resource_and_leave_critical_region(resource: &Resource) {
    resource.release_lite();
    leave_critical_region();
}

/// `ExTryToAcquireResourceExclusiveLite`: exclusive without waiting.
///
/// # Examples
///
/// ```
/// let r = pushlock::Resource::new();
/// assert!(pushlock::ex::try_to_acquire_resource_exclusive_lite(&r));
/// r.release_lite();
/// ```
#[track_caller]
pub fn try_to_acquire_resource_exclusive_lite(resource: &Resource) -> bool {
    resource.acquire_exclusive_lite(false)
}

/// `ExIsResourceAcquiredLite`: whether the calling thread owns `resource` in either
/// mode.
///
/// # Examples
///
/// ```
/// let r = pushlock::Resource::new();
/// assert!(!pushlock::ex::is_resource_acquired_lite(&r));
/// let g = r.acquire_exclusive();
/// assert!(pushlock::ex::is_resource_acquired_lite(&r));
/// # drop(g);
/// ```
pub fn is_resource_acquired_lite(resource: &Resource) -> bool {
    resource.shared_count() != 0
}

/// `KeAreApcsDisabled`: inside a critical region, or at `APC_LEVEL` or above.
///
/// # Examples
///
/// ```
/// assert!(!pushlock::ex::are_apcs_disabled());
/// let _region = pushlock::thread::CriticalRegion::enter();
/// assert!(pushlock::ex::are_apcs_disabled());
/// ```
pub fn are_apcs_disabled() -> bool {
    crate::thread::critical_region_depth() != 0 || are_all_apcs_disabled()
}

/// `KeAreAllApcsDisabled`: at `APC_LEVEL` or above (there are no guarded regions
/// here, so a critical region does not count).
///
/// # Examples
///
/// ```
/// use pushlock::thread::{Irql, lower_irql, raise_irql};
///
/// assert!(!pushlock::ex::are_all_apcs_disabled());
/// let old = raise_irql(Irql::APC_LEVEL);
/// assert!(pushlock::ex::are_all_apcs_disabled());
/// lower_irql(old);
/// ```
pub fn are_all_apcs_disabled() -> bool {
    current_irql() >= Irql::APC_LEVEL
}
