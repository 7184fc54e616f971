//! STUB (API only): critical regions, APCs and IRQL land with issue 4.
#![allow(missing_docs)]

use std::time::Duration;

/// Enters a critical region (`KeEnterCriticalRegion`).
pub fn enter_critical_region() {
    todo!()
}
/// Leaves a critical region (`KeLeaveCriticalRegion`).
pub fn leave_critical_region() {
    todo!()
}

/// RAII critical region.
#[must_use]
pub struct CriticalRegion {
    _private: (),
}

impl CriticalRegion {
    pub fn enter() -> Self {
        todo!()
    }
}

/// A handle to a thread, to queue APCs to it.
#[derive(Clone, Debug)]
pub struct ThreadHandle {
    _private: (),
}

impl ThreadHandle {
    pub fn id(&self) -> usize {
        todo!()
    }
    pub fn name(&self) -> Option<String> {
        todo!()
    }
}

pub fn current() -> ThreadHandle {
    todo!()
}
pub fn queue_apc(_thread: &ThreadHandle, _apc: impl FnOnce() + Send + 'static) {
    todo!()
}
/// Runs pending APCs if outside any critical region; true if one ran.
pub fn test_alert() -> bool {
    todo!()
}
/// Sleeps up to `duration`, returning early (true) when an APC ran.
pub fn sleep_alertable(_duration: Duration) -> bool {
    todo!()
}

/// A simulated IRQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Irql(pub u8);

impl Irql {
    pub const PASSIVE_LEVEL: Irql = Irql(0);
    pub const APC_LEVEL: Irql = Irql(1);
    pub const DISPATCH_LEVEL: Irql = Irql(2);
}

/// `KeRaiseIrql`: returns the old IRQL.
pub fn raise_irql(_new: Irql) -> Irql {
    todo!()
}
/// `KeLowerIrql`.
pub fn lower_irql(_new: Irql) {
    todo!()
}
/// `KeGetCurrentIrql`.
pub fn current_irql() -> Irql {
    todo!()
}
