//! The spin locks the calling thread holds, with their acquisition sites, so that an
//! IRQL stop (a push lock, resource or rundown wait above `APC_LEVEL`) can name the
//! spin lock that raised the IRQL; and the `…AtDpcLevel` IRQL check.
//!
//! Spin locks are kept out of `held.rs` (the blocking locks' per-thread list and the
//! registry behind `locks()`): a spin lock is held for a few instructions at
//! `DISPATCH_LEVEL` and only its holder asks about it.

use std::cell::RefCell;

use super::held::Site;
use super::stops::SPIN_LOCK_BELOW_DISPATCH;
use crate::codes::DRIVER_VERIFIER_DETECTED_VIOLATION;
use crate::thread::{Irql, current_irql};

thread_local! {
    // Spin locks held by this thread, oldest first: (address, acquisition site).
    static HELD: RefCell<Vec<(usize, Site)>> = const { RefCell::new(Vec::new()) };
}

pub(super) fn acquired(lock: usize, site: Site) {
    let _ = HELD.try_with(|held| held.borrow_mut().push((lock, site)));
}

pub(super) fn released(lock: usize) {
    let _ = HELD.try_with(|held| {
        let mut held = held.borrow_mut();
        if let Some(i) = held.iter().rposition(|&(l, _)| l == lock) {
            held.remove(i);
        }
    });
}

/// The newest spin lock the thread holds, as `(address, site)`.
pub(super) fn newest_held() -> Option<(usize, Site)> {
    HELD.try_with(|held| held.borrow().last().copied())
        .ok()
        .flatten()
}

/// For an IRQL stop's message: "; spin lock 0x… is held, acquired at SITE" or "".
pub(super) fn held_note() -> String {
    match newest_held() {
        Some((lock, site)) => {
            format!("; spin lock {lock:#x} is held (it raised the IRQL), acquired at {site}")
        }
        None => String::new(),
    }
}

pub(super) fn at_dpc_level(lock: usize, call: &str, site: Site) {
    let irql = current_irql();
    if irql < Irql::DISPATCH_LEVEL {
        let thread = crate::sys::thread_id();
        crate::bugcheck::bug_check(
            DRIVER_VERIFIER_DETECTED_VIOLATION,
            [SPIN_LOCK_BELOW_DISPATCH, lock, thread, irql.0.into()],
            format!(
                "verifier stop {SPIN_LOCK_BELOW_DISPATCH:#x}: {call} on spin lock {lock:#x} \
                 at IRQL {} (below DISPATCH_LEVEL) on thread {thread:#x} at {site}; use \
                 KeAcquireSpinLock / KeReleaseSpinLock, which raise and restore the IRQL",
                irql.0
            ),
        );
    }
}
