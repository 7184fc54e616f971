//! A1: the critical-region depth (`KeEnterCriticalRegion` / `KeLeaveCriticalRegion`).

use super::apc;
use super::local::{self, LOCAL};
use crate::verifier::stops::LEAVE_WITHOUT_ENTER;

/// Enters a critical region: normal APCs queued to this thread are held back until it
/// leaves its outermost region. Regions nest (`KeEnterCriticalRegion`,
/// `FsRtlEnterFileSystem`).
///
/// # Examples
///
/// ```
/// pushlock::thread::enter_critical_region();
/// pushlock::thread::leave_critical_region();
/// ```
#[inline]
pub fn enter_critical_region() {
    LOCAL.with(|local| {
        local.arm_exit();
        local.depth.set(local.depth.get() + 1);
    });
}

/// Leaves a critical region. Leaving the outermost one delivers the APCs queued
/// meanwhile (when the IRQL is `PASSIVE_LEVEL`), on this thread, before returning.
///
/// # Panics
///
/// A leave without a matching enter is bug check `0xC4
/// DRIVER_VERIFIER_DETECTED_VIOLATION` with sub-code `0x3E` (parameter 1), raised as a
/// [`crate::BugCheck`] panic, with or without the verifier feature.
///
/// # Examples
///
/// ```
/// let check = std::panic::catch_unwind(pushlock::thread::leave_critical_region)
///     .unwrap_err()
///     .downcast::<pushlock::BugCheck>()
///     .unwrap();
/// assert_eq!((check.code(), check.parameters()[0]), (0xC4, 0x3E));
/// ```
#[inline]
#[track_caller]
pub fn leave_critical_region() {
    let deliver = LOCAL.with(|local| {
        let depth = local.depth.get();
        if depth == 0 {
            return None;
        }
        local.depth.set(depth - 1);
        Some(depth == 1 && local.irql.get() == 0)
    });
    match deliver {
        None => leave_without_enter(),
        Some(true) if local::apcs_pending() => {
            apc::deliver();
        }
        Some(_) => {}
    }
    // S1: a stress point after the leave (after an Flt release, the lock is free).
    #[cfg(all(feature = "verifier", not(pushlock_loom)))]
    crate::stress::point(crate::stress::Point::LeaveCriticalRegion);
}

#[cold]
#[inline(never)]
#[track_caller]
fn leave_without_enter() -> ! {
    let thread = crate::sys::thread_id();
    crate::bugcheck::bug_check(
        crate::codes::DRIVER_VERIFIER_DETECTED_VIOLATION,
        [LEAVE_WITHOUT_ENTER, thread, 0, 0],
        format!(
            "leave_critical_region without a matching enter_critical_region on thread \
             {thread:#x} at {}",
            std::panic::Location::caller()
        ),
    )
}

/// The calling thread's critical-region depth (0 outside any region).
#[allow(dead_code)] // for diagnostics; used by the unit tests
pub(crate) fn depth() -> u32 {
    LOCAL.with(|local| local.depth.get())
}

/// A critical region held for the guard's lifetime (RAII form of
/// [`enter_critical_region`] / [`leave_critical_region`]).
///
/// The guard is neither `Send` nor `Sync`: the region belongs to the thread that
/// entered it.
///
/// # Examples
///
/// ```
/// use pushlock::thread::CriticalRegion;
///
/// let region = CriticalRegion::enter();
/// // … APCs to this thread wait …
/// drop(region); // leaves, delivering pending APCs
/// ```
#[must_use = "the region is left as soon as the guard is dropped"]
#[derive(Debug)]
pub struct CriticalRegion {
    _not_send: std::marker::PhantomData<*const ()>,
}

impl CriticalRegion {
    /// Enters a critical region until the guard is dropped.
    #[inline]
    pub fn enter() -> Self {
        enter_critical_region();
        Self {
            _not_send: std::marker::PhantomData,
        }
    }

    /// Keeps the region entered beyond the guard: a later [`leave_critical_region`]
    /// ends it. The Flt acquires use this once the lock is taken, so that a panic
    /// while acquiring still leaves the region.
    #[inline]
    pub(crate) fn keep_entered(self) {
        std::mem::forget(self);
    }
}

impl Drop for CriticalRegion {
    #[inline]
    fn drop(&mut self) {
        leave_critical_region();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_depth_nests() {
        assert_eq!(depth(), 0);
        let outer = CriticalRegion::enter();
        enter_critical_region();
        assert_eq!(depth(), 2);
        leave_critical_region();
        drop(outer);
        assert_eq!(depth(), 0);
    }
}
