//! Waiting for a grant, with the kernel's internal timeouts (SPEC R12).
//!
//! A waiter watches its node for a few microseconds, then parks, until the releasing
//! owner hands the resource over (R7: the granter marks the node `GRANTED`, and wakes
//! it only if it parked; the waiter never retries). The kernel waits with a
//! timeout: first 500 ms (it would then boost the owners' priority), then in 4-second
//! units; after enough units it reports a possible deadlock and keeps waiting. We do
//! the same: after [`set_deadlock_report_units`] units (default 15, one minute) the
//! installed reporter ([`set_deadlock_reporter`], default: standard error) gets the
//! [`locks()`](crate::locks) snapshot, once per wait, and the wait goes on.
//!
//! The configuration lives in plain std statics: they are settings, not lock state,
//! and are read only on the slow (blocking) path.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering as ConfigOrdering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use super::table::{PARKED, WATCHING, WaitNode};
use crate::diagnostics::LocksReport;
use crate::sys::atomic::Ordering;

/// The function that receives a possible-deadlock report.
pub type DeadlockReporter = Arc<dyn Fn(&LocksReport) + Send + Sync>;

static REPORTER: RwLock<Option<DeadlockReporter>> = RwLock::new(None);
static REPORT_UNITS: AtomicU32 = AtomicU32::new(15);
static FIRST_TIMEOUT_NS: AtomicU64 = AtomicU64::new(500_000_000);
static UNIT_TIMEOUT_NS: AtomicU64 = AtomicU64::new(4_000_000_000);

/// Rounds of watching a queued node for its grant before parking; round `i` pauses
/// `2^i` times (63 pauses in all, about 1-4 µs on current x86 cores): long enough to
/// see a hand-off from a running owner, short enough that an oversubscribed machine
/// loses little to it.
#[cfg_attr(pushlock_loom, allow(dead_code))]
const GRANT_WATCH_ROUNDS: u32 = 6;

/// Installs the function that receives the possible-deadlock report of R12 (with
/// `None`, the default: print it to standard error). Returns the previous one.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// let previous = pushlock::set_deadlock_reporter(Some(Arc::new(|report: &pushlock::LocksReport| {
///     eprintln!("possible deadlock:\n{report}");
/// })));
/// pushlock::set_deadlock_reporter(previous);
/// ```
pub fn set_deadlock_reporter(reporter: Option<DeadlockReporter>) -> Option<DeadlockReporter> {
    let mut slot = REPORTER
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    std::mem::replace(&mut *slot, reporter)
}

/// Sets after how many 4-second timeout units (after the first 500 ms one) a waiter
/// reports a possible deadlock (R12). The default, 15, is one minute. Returns the
/// previous value.
///
/// # Examples
///
/// ```
/// let previous = pushlock::set_deadlock_report_units(30);
/// pushlock::set_deadlock_report_units(previous);
/// ```
pub fn set_deadlock_report_units(units: u32) -> u32 {
    REPORT_UNITS.swap(units, ConfigOrdering::Relaxed)
}

/// Test hook: shortens the first timeout (500 ms) and the unit (4 s) of R12.
#[doc(hidden)]
pub fn set_deadlock_timeouts(first: Duration, unit: Duration) {
    FIRST_TIMEOUT_NS.store(first.as_nanos() as u64, ConfigOrdering::Relaxed);
    UNIT_TIMEOUT_NS.store(unit.as_nanos() as u64, ConfigOrdering::Relaxed);
}

#[cfg_attr(pushlock_loom, allow(dead_code))]
fn report_possible_deadlock() {
    let report = crate::diagnostics::locks();
    let reporter = REPORTER
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    match reporter {
        Some(reporter) => reporter(&report),
        None => eprintln!("*** possible deadlock: a resource wait exceeded its timeouts\n{report}"),
    }
}

/// Blocks until `node` is granted.
#[cfg(not(pushlock_loom))]
pub(crate) fn wait_for_grant(node: &WaitNode) {
    use std::time::Instant;
    // S1: a stress point before the wait (the grant may already be there).
    #[cfg(feature = "verifier")]
    crate::stress::point(crate::stress::Point::Wait);
    // Watch the node for a bounded while first: a grant that comes within it costs
    // neither side a park or a wake-up (the granter skips the unpark, Invariant 6).
    for round in 0..GRANT_WATCH_ROUNDS {
        if node.is_granted() {
            return;
        }
        for _ in 0..1u32 << round {
            crate::sys::spin_loop();
        }
    }
    if !announce_park(node) {
        return;
    }
    let mut timeout = Duration::from_nanos(FIRST_TIMEOUT_NS.load(ConfigOrdering::Relaxed));
    let mut deadline = Instant::now() + timeout;
    let mut units = 0u32;
    let mut reported = false;
    loop {
        if node.is_granted() {
            return;
        }
        let now = Instant::now();
        if now < deadline {
            crate::sys::park_timeout(deadline - now);
            continue;
        }
        // A timeout: the kernel would boost the owners here. Count 4-second units.
        units += 1;
        timeout = Duration::from_nanos(UNIT_TIMEOUT_NS.load(ConfigOrdering::Relaxed));
        deadline = now + timeout;
        // `units` counts the first timeout too; the report comes after N more units.
        if !reported && units > REPORT_UNITS.load(ConfigOrdering::Relaxed) {
            reported = true;
            report_possible_deadlock();
        }
    }
}

/// Blocks until `node` is granted (loom: no time, so no timeouts, and no watching:
/// the model goes straight to the park announcement, the state the grant races with).
#[cfg(pushlock_loom)]
pub(crate) fn wait_for_grant(node: &WaitNode) {
    if !announce_park(node) {
        return;
    }
    while !node.is_granted() {
        crate::sys::park();
    }
}

/// `WATCHING` -> `PARKED` before the first park (table Invariant 6); `false` if the
/// node was granted first (then the granter does not unpark us, and we must not park).
fn announce_park(node: &WaitNode) -> bool {
    // Relaxed on success: the announcement publishes nothing, the granter's swap only
    // reads it to decide on the unpark. Acquire on failure pairs with that swap's
    // Release (the grant's section happens before ours).
    node.state
        .compare_exchange(WATCHING, PARKED, Ordering::Relaxed, Ordering::Acquire)
        .is_ok()
}
