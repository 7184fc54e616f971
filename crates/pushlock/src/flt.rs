//! The Filter Manager layer (SPEC P9, P10 and the `Flt…` lock calls): the Ex-level
//! locks wrapped in critical regions, as `FltAcquirePushLockExclusive` and friends do.
//!
//! Every acquire enters a critical region before it takes the lock, and every release
//! leaves one after it released the lock, so normal APCs queued to the thread
//! ([`crate::thread::queue_apc`]) wait until the lock is released. The Ex level
//! ([`RawPushLock`], [`Resource`]) has no such cost.
//!
//! Every function here is `#[track_caller]`, so the verifier's messages name the
//! caller's line.
//!
//! # Examples
//!
//! ```
//! use pushlock::{RawPushLock, flt};
//!
//! static LOCK: RawPushLock = RawPushLock::new();
//!
//! flt::acquire_push_lock_exclusive(&LOCK);
//! // … the region is entered: APCs to this thread wait …
//! // SAFETY: this thread holds LOCK, taken through flt just above.
//! unsafe { flt::release_push_lock(&LOCK) };
//! flt::delete_push_lock(&LOCK);
//! ```

use crate::codes::INVALID_PUSH_LOCK_FLAGS;
use crate::thread::{CriticalRegion, leave_critical_region};
use crate::verifier::{self, LockKind};
use crate::{RawPushLock, Resource};

/// `FLT_PUSH_LOCK_ENABLE_AUTO_BOOST`: documented as having no effect (P9).
pub const FLT_PUSH_LOCK_ENABLE_AUTO_BOOST: u32 = 1;
/// `FLT_PUSH_LOCK_DISABLE_AUTO_BOOST`: accepted; there is no priority boosting here.
pub const FLT_PUSH_LOCK_DISABLE_AUTO_BOOST: u32 = 2;
/// Every defined flag bit.
const VALID_PUSH_LOCK_FLAGS: u32 =
    FLT_PUSH_LOCK_ENABLE_AUTO_BOOST | FLT_PUSH_LOCK_DISABLE_AUTO_BOOST;

/// P9: undefined bits are bug check `0x152` (p1 = flags, p2 = lock).
#[inline]
#[track_caller]
fn check_flags(lock: &RawPushLock, flags: u32) {
    if flags & !VALID_PUSH_LOCK_FLAGS != 0 {
        invalid_flags(lock, flags);
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn invalid_flags(lock: &RawPushLock, flags: u32) -> ! {
    let address = lock as *const RawPushLock as usize;
    crate::bugcheck::bug_check(
        INVALID_PUSH_LOCK_FLAGS,
        [flags as usize, address, 0, 0],
        format!(
            "push lock {address:#x} acquired with flags {flags:#x} at {}; only \
             FLT_PUSH_LOCK_ENABLE_AUTO_BOOST (1) and FLT_PUSH_LOCK_DISABLE_AUTO_BOOST (2) \
             are defined",
            std::panic::Location::caller()
        ),
    )
}

/// Acquires `lock` exclusive inside a critical region (`FltAcquirePushLockExclusive`).
/// The region lasts until [`release_push_lock`].
///
/// # Panics
///
/// Under the verifier, with a stop when the acquire would hang (the thread already
/// holds the lock) or breaks a rule (lock order, IRQL); see
/// [`crate::verifier_codes`].
///
/// # Examples
///
/// ```
/// let lock = pushlock::RawPushLock::new();
/// pushlock::flt::acquire_push_lock_exclusive(&lock);
/// assert!(lock.is_locked_exclusive());
/// // SAFETY: held exclusive just above.
/// unsafe { pushlock::flt::release_push_lock(&lock) };
/// ```
#[track_caller]
pub fn acquire_push_lock_exclusive(lock: &RawPushLock) {
    // The guard leaves the region again if the acquire panics (a verifier stop).
    let region = CriticalRegion::enter();
    lock.acquire_exclusive();
    region.keep_entered();
}

/// Acquires `lock` shared inside a critical region (`FltAcquirePushLockShared`). The
/// region lasts until [`release_push_lock`].
///
/// # Panics
///
/// As [`acquire_push_lock_exclusive`].
///
/// # Examples
///
/// ```
/// let lock = pushlock::RawPushLock::new();
/// pushlock::flt::acquire_push_lock_shared(&lock);
/// assert!(lock.is_locked() && !lock.is_locked_exclusive());
/// // SAFETY: held shared just above.
/// unsafe { pushlock::flt::release_push_lock(&lock) };
/// ```
#[track_caller]
pub fn acquire_push_lock_shared(lock: &RawPushLock) {
    let region = CriticalRegion::enter();
    lock.acquire_shared();
    region.keep_entered();
}

/// [`acquire_push_lock_exclusive`] with flags (`FltAcquirePushLockExclusiveEx`):
/// `0`, [`FLT_PUSH_LOCK_ENABLE_AUTO_BOOST`], [`FLT_PUSH_LOCK_DISABLE_AUTO_BOOST`] or
/// both.
///
/// # Panics
///
/// Any other bit is bug check `0x152 INVALID_PUSH_LOCK_FLAGS` (parameter 1 the flags,
/// parameter 2 the lock's address), before the lock or the region is touched. Else as
/// [`acquire_push_lock_exclusive`].
///
/// # Examples
///
/// ```
/// use pushlock::flt;
///
/// let lock = pushlock::RawPushLock::new();
/// flt::acquire_push_lock_exclusive_ex(&lock, flt::FLT_PUSH_LOCK_ENABLE_AUTO_BOOST);
/// // SAFETY: held exclusive just above.
/// unsafe { flt::release_push_lock(&lock) };
/// ```
#[track_caller]
pub fn acquire_push_lock_exclusive_ex(lock: &RawPushLock, flags: u32) {
    check_flags(lock, flags);
    acquire_push_lock_exclusive(lock);
}

/// [`acquire_push_lock_shared`] with flags (`FltAcquirePushLockSharedEx`).
///
/// # Panics
///
/// As [`acquire_push_lock_exclusive_ex`].
///
/// # Examples
///
/// ```
/// use pushlock::flt;
///
/// let lock = pushlock::RawPushLock::new();
/// flt::acquire_push_lock_shared_ex(&lock, flt::FLT_PUSH_LOCK_DISABLE_AUTO_BOOST);
/// // SAFETY: held shared just above.
/// unsafe { flt::release_push_lock(&lock) };
/// ```
#[track_caller]
pub fn acquire_push_lock_shared_ex(lock: &RawPushLock, flags: u32) {
    check_flags(lock, flags);
    acquire_push_lock_shared(lock);
}

/// Releases `lock`, in whichever mode the thread holds it, then leaves the critical
/// region its acquire entered (`FltReleasePushLock`), delivering APCs queued
/// meanwhile if that was the outermost region.
///
/// # Safety
///
/// - The calling thread holds `lock`, acquired through one of this module's
///   `acquire_push_lock_…` functions (so that a region is there to leave).
/// - It releases each such acquisition once.
///
/// # Panics
///
/// Under the verifier, releasing a lock the thread does not hold is a stop (instead of
/// corrupting the lock). Leaving a region that was never entered is bug check `0xC4`
/// sub-code `0x3E`.
///
/// # Examples
///
/// ```
/// let lock = pushlock::RawPushLock::new();
/// pushlock::flt::acquire_push_lock_shared(&lock);
/// // SAFETY: held shared just above, released once.
/// unsafe { pushlock::flt::release_push_lock(&lock) };
/// assert!(!lock.is_locked());
/// ```
#[track_caller]
pub unsafe fn release_push_lock(lock: &RawPushLock) {
    // SAFETY: the caller holds `lock` and releases it once (this function's contract).
    unsafe { lock.release() };
    leave_critical_region();
}

/// [`release_push_lock`] with flags (`FltReleasePushLockEx`): the same flags as
/// [`acquire_push_lock_exclusive_ex`].
///
/// # Safety
///
/// As [`release_push_lock`].
///
/// # Panics
///
/// Undefined flag bits are bug check `0x152` before the lock is touched; else as
/// [`release_push_lock`].
///
/// # Examples
///
/// ```
/// use pushlock::flt;
///
/// let lock = pushlock::RawPushLock::new();
/// flt::acquire_push_lock_shared(&lock);
/// // SAFETY: held shared just above, released once.
/// unsafe { flt::release_push_lock_ex(&lock, 0) };
/// ```
#[track_caller]
pub unsafe fn release_push_lock_ex(lock: &RawPushLock, flags: u32) {
    check_flags(lock, flags);
    // SAFETY: this function's contract is `release_push_lock`'s.
    unsafe { release_push_lock(lock) };
}

/// Deletes a push lock (`FltDeletePushLock`, P10). Frees nothing: a push lock owns no
/// memory, and afterwards the caller may reuse the lock's memory. The verifier then
/// forgets the lock (its lock-order edges).
///
/// # Panics
///
/// Under the verifier, deleting a lock that some thread holds or waits for is a stop
/// (`0xC4`, sub-code [`crate::verifier_codes::DELETE_HELD_LOCK`]).
///
/// # Examples
///
/// ```
/// let lock = pushlock::RawPushLock::new();
/// pushlock::flt::delete_push_lock(&lock);
/// ```
#[track_caller]
pub fn delete_push_lock(lock: &RawPushLock) {
    verifier::on_delete(lock as *const RawPushLock as usize, LockKind::PushLock);
}

/// Acquires `resource` exclusive inside a critical region
/// (`FltAcquireResourceExclusive`); the region lasts until [`release_resource`].
///
/// # Panics
///
/// Whatever `Resource::acquire_exclusive_lite` raises (under the verifier: the lock
/// order and IRQL stops of [`crate::verifier_codes`]).
///
/// # Examples
///
/// ```
/// let resource = pushlock::Resource::new();
/// pushlock::flt::acquire_resource_exclusive(&resource);
/// assert!(resource.is_acquired_exclusive());
/// pushlock::flt::release_resource(&resource);
/// ```
#[track_caller]
pub fn acquire_resource_exclusive(resource: &Resource) {
    let region = CriticalRegion::enter();
    resource.acquire_exclusive_lite(true);
    region.keep_entered();
}

/// Acquires `resource` shared inside a critical region (`FltAcquireResourceShared`);
/// the region lasts until [`release_resource`].
///
/// # Panics
///
/// Whatever `Resource::acquire_shared_lite` raises (under the verifier: as
/// [`acquire_resource_exclusive`]).
///
/// # Examples
///
/// ```
/// let resource = pushlock::Resource::new();
/// pushlock::flt::acquire_resource_shared(&resource);
/// assert_eq!(resource.shared_count(), 1);
/// pushlock::flt::release_resource(&resource);
/// ```
#[track_caller]
pub fn acquire_resource_shared(resource: &Resource) {
    let region = CriticalRegion::enter();
    resource.acquire_shared_lite(true);
    region.keep_entered();
}

/// Releases one acquisition of `resource` by the calling thread, then leaves the
/// critical region its acquire entered (`FltReleaseResource`).
///
/// # Panics
///
/// Releasing a resource the thread does not own is bug check `0xE3` (R11), raised by
/// the resource; leaving a region never entered is `0xC4` / `0x3E`.
///
/// # Examples
///
/// ```
/// let resource = pushlock::Resource::new();
/// pushlock::flt::acquire_resource_exclusive(&resource);
/// pushlock::flt::acquire_resource_shared(&resource); // recursion (R2)
/// pushlock::flt::release_resource(&resource);
/// pushlock::flt::release_resource(&resource); // leaves the outermost region
/// assert_eq!(resource.shared_count(), 0);
/// ```
#[track_caller]
pub fn release_resource(resource: &Resource) {
    resource.release_lite();
    leave_critical_region();
}
