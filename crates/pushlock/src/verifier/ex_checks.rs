//! The Ex push lock calls' own checks ([`crate::ex`]): an Ex acquire at
//! `PASSIVE_LEVEL` outside a critical region, and a release in the wrong mode.
//! Kept apart from `checks.rs` (the lock-kind-independent hooks).

use super::held::{self, Site, mode_name};
use super::stops::{ACQUIRE_AT_BAD_IRQL, EX_ACQUIRE_OUTSIDE_CRITICAL_REGION, RELEASE_WRONG_MODE};
use super::{LockKind, Mode};
use crate::codes::DRIVER_VERIFIER_DETECTED_VIOLATION;
use crate::thread::{Irql, current_irql};

fn current_thread() -> usize {
    held::with_current(|locks| locks.thread).unwrap_or_else(crate::sys::thread_id)
}

/// `ExAcquirePushLock…` requires normal APCs disabled: a critical region, or an
/// IRQL of `APC_LEVEL` (the IRQL ceiling itself is `checks`' V3 check).
pub(super) fn acquire(lock: usize, site: Site) {
    if current_irql() == Irql::PASSIVE_LEVEL && crate::thread::critical_region_depth() == 0 {
        let thread = current_thread();
        crate::bugcheck::bug_check(
            DRIVER_VERIFIER_DETECTED_VIOLATION,
            [EX_ACQUIRE_OUTSIDE_CRITICAL_REGION, lock, thread, 0],
            format!(
                "verifier stop {EX_ACQUIRE_OUTSIDE_CRITICAL_REGION:#x}: push lock {lock:#x} \
                 acquired through an Ex call at PASSIVE_LEVEL outside a critical region on \
                 thread {thread:#x} at {site}; enter a critical region first (or use the \
                 Flt calls, which do)"
            ),
        );
    }
}

/// A release naming the mode must match the mode held. A lock not held at all is left
/// to `checks::release` (stop `0x1005`).
pub(super) fn release(lock: usize, asked: Mode, site: Site) {
    let held = held::with_current(|locks| {
        locks
            .position(lock, LockKind::PushLock)
            .map(|i| (locks.held[i].mode, locks.held[i].site))
    })
    .flatten();
    if let Some((mode, acquired)) = held
        && mode != asked
    {
        let thread = current_thread();
        crate::bugcheck::bug_check(
            DRIVER_VERIFIER_DETECTED_VIOLATION,
            [
                RELEASE_WRONG_MODE,
                lock,
                thread,
                usize::from(mode == Mode::Exclusive),
            ],
            format!(
                "verifier stop {RELEASE_WRONG_MODE:#x}: push lock {lock:#x} released {} at \
                 {site} but held {} since {acquired} by thread {thread:#x}",
                mode_name(asked),
                mode_name(mode),
            ),
        );
    }
}

/// `ExWaitForRundownProtectionRelease` blocks, so it must run below `DISPATCH_LEVEL`.
pub(super) fn rundown_wait(rundown: usize, site: Site) {
    let irql = current_irql();
    if irql > Irql::APC_LEVEL {
        let thread = current_thread();
        crate::bugcheck::bug_check(
            DRIVER_VERIFIER_DETECTED_VIOLATION,
            [ACQUIRE_AT_BAD_IRQL, rundown, thread, irql.0.into()],
            format!(
                "verifier stop {ACQUIRE_AT_BAD_IRQL:#x}: wait for rundown of {rundown:#x} at \
                 IRQL {} (above APC_LEVEL) on thread {thread:#x} at {site}{}",
                irql.0,
                super::spin_checks::held_note()
            ),
        );
    }
}
