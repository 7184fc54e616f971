//! A4: the simulated IRQL, per thread.

use super::apc;
use super::local::LOCAL;
use crate::verifier::stops::{IRQL_LOWER_TO_HIGHER, IRQL_RAISE_TO_LOWER};

/// A simulated interrupt request level. Only the thread's own code changes it; it
/// masks nothing but APC delivery (at `APC_LEVEL` and above) and what the verifier
/// checks (SPEC A4, V3).
///
/// # Examples
///
/// ```
/// use pushlock::thread::Irql;
///
/// assert!(Irql::PASSIVE_LEVEL < Irql::APC_LEVEL);
/// assert_eq!(Irql::DISPATCH_LEVEL.level(), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Irql(pub u8);

impl Irql {
    /// `PASSIVE_LEVEL` (0): ordinary thread code; APCs are delivered.
    pub const PASSIVE_LEVEL: Irql = Irql(0);
    /// `APC_LEVEL` (1): APCs are held back.
    pub const APC_LEVEL: Irql = Irql(1);
    /// `DISPATCH_LEVEL` (2): no waiting; push locks and resources may not be acquired.
    pub const DISPATCH_LEVEL: Irql = Irql(2);
    /// `HIGH_LEVEL` (15): the highest level.
    pub const HIGH_LEVEL: Irql = Irql(15);

    /// The level as a number (`KIRQL`).
    pub const fn level(self) -> u8 {
        self.0
    }

    /// The IRQL of a given level, or `None` above `HIGH_LEVEL`.
    ///
    /// # Examples
    ///
    /// ```
    /// use pushlock::thread::Irql;
    ///
    /// assert_eq!(Irql::from_level(1), Some(Irql::APC_LEVEL));
    /// assert_eq!(Irql::from_level(16), None);
    /// ```
    pub const fn from_level(level: u8) -> Option<Irql> {
        if level <= Self::HIGH_LEVEL.0 {
            Some(Irql(level))
        } else {
            None
        }
    }
}

/// The calling thread's current IRQL (`KeGetCurrentIrql`).
///
/// # Examples
///
/// ```
/// assert_eq!(pushlock::thread::current_irql(), pushlock::thread::Irql::PASSIVE_LEVEL);
/// ```
#[inline]
pub fn current_irql() -> Irql {
    Irql(LOCAL.with(|local| local.irql.get()))
}

/// Raises the calling thread's IRQL to `new` and returns the previous one, to pass to
/// [`lower_irql`] (`KeRaiseIrql`).
///
/// # Panics
///
/// Raising to a level below the current one is bug check `0xC4` with sub-code `0x30`
/// (parameters: sub-code, current level, requested level).
///
/// # Examples
///
/// ```
/// use pushlock::thread::{Irql, lower_irql, raise_irql};
///
/// let old = raise_irql(Irql::DISPATCH_LEVEL);
/// assert_eq!(old, Irql::PASSIVE_LEVEL);
/// lower_irql(old);
/// ```
#[track_caller]
pub fn raise_irql(new: Irql) -> Irql {
    let old = current_irql();
    if new < old {
        crate::bugcheck::bug_check(
            crate::codes::DRIVER_VERIFIER_DETECTED_VIOLATION,
            [IRQL_RAISE_TO_LOWER, old.0.into(), new.0.into(), 0],
            format!(
                "raise_irql to {} while at {} at {}",
                new.0,
                old.0,
                std::panic::Location::caller()
            ),
        );
    }
    LOCAL.with(|local| local.irql.set(new.0));
    old
}

/// Lowers the calling thread's IRQL back to `old` (`KeLowerIrql`). Reaching
/// `PASSIVE_LEVEL` outside a critical region delivers pending APCs.
///
/// # Panics
///
/// "Lowering" to a level above the current one is bug check `0xC4` with sub-code
/// `0x31` (parameters: sub-code, current level, requested level).
///
/// # Examples
///
/// ```
/// use pushlock::thread::{Irql, current_irql, lower_irql, raise_irql};
///
/// let old = raise_irql(Irql::APC_LEVEL);
/// assert_eq!(current_irql(), Irql::APC_LEVEL);
/// lower_irql(old);
/// assert_eq!(current_irql(), Irql::PASSIVE_LEVEL);
/// ```
#[track_caller]
pub fn lower_irql(old: Irql) {
    let current = current_irql();
    if old > current {
        crate::bugcheck::bug_check(
            crate::codes::DRIVER_VERIFIER_DETECTED_VIOLATION,
            [IRQL_LOWER_TO_HIGHER, current.0.into(), old.0.into(), 0],
            format!(
                "lower_irql to {} while at {} at {}",
                old.0,
                current.0,
                std::panic::Location::caller()
            ),
        );
    }
    let deliver = LOCAL.with(|local| {
        local.irql.set(old.0);
        old.0 == 0 && local.depth.get() == 0
    });
    if deliver && super::local::apcs_pending() {
        apc::deliver();
    }
}
