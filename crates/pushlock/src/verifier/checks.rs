//! The hook bodies under the `verifier` feature: V1 (held locks), V2 (order), V3
//! (IRQL). `mod.rs` forwards each hook here with the caller's site.
//!
//! Every check collects what it needs under the thread's mutex, lets go of it, and
//! only then raises its stop, so a caught stop leaves no poisoned or held mutex.

use super::held::{self, Holding, Site, describe, mode_name};
use super::order;
use super::stops::{
    ACQUIRE_AT_BAD_IRQL, DELETE_HELD_LOCK, LOCK_ORDER_CYCLE, RECURSIVE_PUSH_LOCK_ACQUIRE,
    RELEASE_AT_BAD_IRQL, RELEASE_NOT_HELD, SHARED_REACQUIRE_BEHIND_WAITER,
};
use super::{HeldPushLock, LockKind, Mode};
use crate::codes::DRIVER_VERIFIER_DETECTED_VIOLATION;
use crate::thread::{Irql, current_irql};

#[cold]
#[inline(never)]
fn stop(sub_code: usize, lock: usize, thread: usize, p4: usize, message: String) -> ! {
    crate::bugcheck::bug_check(
        DRIVER_VERIFIER_DETECTED_VIOLATION,
        [sub_code, lock, thread, p4],
        format!("verifier stop {sub_code:#x}: {message}"),
    )
}

fn current_thread() -> usize {
    held::with_current(|locks| locks.thread).unwrap_or_else(crate::sys::thread_id)
}

fn kind_name(kind: LockKind) -> &'static str {
    match kind {
        LockKind::PushLock => "push lock",
        LockKind::Resource => "resource",
    }
}

/// V3: both kinds are acquired at `APC_LEVEL` or below. A `try_` acquire calls it
/// before the attempt (`on_try_start`): a stop after the take would leave the lock
/// held with no guard to release it.
pub(super) fn check_acquire_irql(lock: usize, kind: LockKind, site: Site) {
    let irql = current_irql();
    if irql > Irql::APC_LEVEL {
        stop(
            ACQUIRE_AT_BAD_IRQL,
            lock,
            current_thread(),
            irql.0.into(),
            format!(
                "{} {lock:#x} acquired at IRQL {} (above APC_LEVEL) at {site}{}",
                kind_name(kind),
                irql.0,
                super::spin_checks::held_note()
            ),
        );
    }
}

pub(super) fn acquire_start(
    lock: usize,
    kind: LockKind,
    mode: Mode,
    waiters_queued: impl FnOnce() -> bool,
    site: Site,
) {
    check_acquire_irql(lock, kind, site);
    let Some((thread, already, held)) = held::with_current(|locks| {
        let already = locks.position(lock, kind).map(|i| locks.held[i].clone());
        // A re-acquire (resource recursion, shared push lock again) adds no order:
        // the lock is already ordered after everything held before it.
        let held: Vec<(usize, Site)> = if already.is_some() {
            Vec::new()
        } else {
            locks.held.iter().map(|h| (h.lock, h.site)).collect()
        };
        (locks.thread, already, held)
    }) else {
        return;
    };
    if kind == LockKind::PushLock
        && let Some(earlier) = already
    {
        check_push_lock_reacquire(lock, mode, waiters_queued, site, thread, &earlier);
    }
    if let Some(cycle) = order::record(&held, lock, site, thread) {
        stop(LOCK_ORDER_CYCLE, lock, thread, cycle.held, cycle.message);
    }
    held::with_current(|locks| locks.acquiring = Some((lock, kind, site)));
}

/// V1 / P4: a thread about to wait for a push lock it already holds.
pub(super) fn block(lock: usize, kind: LockKind) {
    let Some(Some((thread, earlier, site))) = held::with_current(|locks| {
        let earlier = locks.position(lock, kind).map(|i| locks.held[i].clone())?;
        let site = locks.acquiring.map(|(_, _, site)| site);
        Some((locks.thread, earlier, site))
    }) else {
        return;
    };
    if kind != LockKind::PushLock {
        return;
    }
    let site = site.map_or_else(|| "an unknown site".to_owned(), |site| site.to_string());
    stop(
        SHARED_REACQUIRE_BEHIND_WAITER,
        lock,
        thread,
        0,
        format!(
            "shared re-acquire of push lock {lock:#x} at {site} by thread {thread:#x}, \
             which holds it shared since {}, must wait: a waiter queued ahead of it waits \
             for this thread (deadlock)",
            earlier.site
        ),
    );
}

/// V1 / P4: a push lock is not recursive.
fn check_push_lock_reacquire(
    lock: usize,
    mode: Mode,
    waiters_queued: impl FnOnce() -> bool,
    site: Site,
    thread: usize,
    earlier: &Holding,
) {
    if mode == Mode::Exclusive || earlier.mode == Mode::Exclusive {
        stop(
            RECURSIVE_PUSH_LOCK_ACQUIRE,
            lock,
            thread,
            usize::from(earlier.mode == Mode::Exclusive),
            format!(
                "recursive acquire of push lock {lock:#x}: thread {thread:#x} asks {} at \
                 {site} but already holds it {} since {} (push locks are not recursive: \
                 this would hang)",
                mode_name(mode),
                mode_name(earlier.mode),
                earlier.site
            ),
        );
    }
    if waiters_queued() {
        stop(
            SHARED_REACQUIRE_BEHIND_WAITER,
            lock,
            thread,
            0,
            format!(
                "shared re-acquire of push lock {lock:#x} at {site} by thread {thread:#x}, \
                 which holds it shared since {}, while a waiter is queued: the new \
                 request waits behind the waiter, which waits for this thread (deadlock)",
                earlier.site
            ),
        );
    }
}

pub(super) fn acquired(lock: usize, kind: LockKind, mode: Mode, site: Site) {
    held::with_current(|locks| {
        locks.acquiring = None;
        match locks.position(lock, kind) {
            Some(i) => locks.held[i].count += 1,
            None => locks.held.push(Holding {
                lock,
                kind,
                mode,
                count: 1,
                site,
            }),
        }
    });
}

/// The end of an acquire attempt, acquired or not: the thread no longer waits for
/// `lock` (already cleared by `acquired`; a thread-local torn down at exit is left).
pub(super) fn acquire_ended(lock: usize, kind: LockKind) {
    held::with_current(|locks| {
        if locks
            .acquiring
            .is_some_and(|(waited, waited_kind, _)| waited == lock && waited_kind == kind)
        {
            locks.acquiring = None;
        }
    });
}

pub(super) fn release(lock: usize, kind: LockKind, site: Site) {
    // V3: push lock release at APC_LEVEL or below; resource release at DISPATCH_LEVEL
    // or below.
    let limit = match kind {
        LockKind::PushLock => Irql::APC_LEVEL,
        LockKind::Resource => Irql::DISPATCH_LEVEL,
    };
    let irql = current_irql();
    if irql > limit {
        stop(
            RELEASE_AT_BAD_IRQL,
            lock,
            current_thread(),
            irql.0.into(),
            format!(
                "{} {lock:#x} released at IRQL {} (above {}) at {site}",
                kind_name(kind),
                irql.0,
                limit.0
            ),
        );
    }
    let Some((thread, found, holding)) = held::with_current(|locks| {
        // A `try_` acquire reported through `on_acquire_start` that failed leaves a
        // stale `acquiring`; any later hook call on the thread clears it.
        locks.acquiring = None;
        let found = match locks.position(lock, kind) {
            Some(i) => {
                locks.held[i].count -= 1;
                if locks.held[i].count == 0 {
                    locks.held.remove(i);
                }
                true
            }
            None => false,
        };
        let holding: Vec<String> = locks.held.iter().map(describe).collect();
        (locks.thread, found, holding)
    }) else {
        return;
    };
    // An unowned resource release is the resource's own bug check (R11, 0xE3).
    if !found && kind == LockKind::PushLock {
        stop(
            RELEASE_NOT_HELD,
            lock,
            thread,
            0,
            format!(
                "release of push lock {lock:#x} at {site} by thread {thread:#x}, which does \
                 not hold it (it holds: {})",
                if holding.is_empty() {
                    "nothing".to_owned()
                } else {
                    holding.join("; ")
                }
            ),
        );
    }
}

pub(super) fn delete(lock: usize, kind: LockKind, site: Site) {
    order::forget(lock);
    if kind == LockKind::Resource {
        // R13: the resource checks its own owners and waiters, with or without the
        // verifier (`RESOURCE_DELETE_IN_USE`), right after this hook.
        return;
    }
    for locks in held::all_threads() {
        let user = {
            let locks = held::lock(&locks);
            let holder = locks.position(lock, kind).map(|i| {
                format!(
                    "held by thread {:#x}: {}",
                    locks.thread,
                    describe(&locks.held[i])
                )
            });
            let waiter = match locks.acquiring {
                Some((waited, waited_kind, at)) if waited == lock && waited_kind == kind => Some(
                    format!("waited for by thread {:#x} (acquire at {at})", locks.thread),
                ),
                _ => None,
            };
            holder.or(waiter).map(|what| (locks.thread, what))
        };
        if let Some((thread, what)) = user {
            stop(
                DELETE_HELD_LOCK,
                lock,
                thread,
                0,
                format!(
                    "delete of {} {lock:#x} at {site}, still {what}",
                    kind_name(kind)
                ),
            );
        }
    }
}

pub(super) fn held_push_locks() -> Vec<HeldPushLock> {
    let mut all = Vec::new();
    for locks in held::all_threads() {
        let locks = held::lock(&locks);
        all.extend(
            locks
                .held
                .iter()
                .filter(|h| h.kind == LockKind::PushLock)
                .map(|h| HeldPushLock {
                    lock: h.lock,
                    thread: locks.thread,
                    mode: h.mode,
                    count: h.count,
                }),
        );
    }
    all
}

#[cfg(test)]
mod tests {
    use super::super::{on_acquire_start, on_acquired, on_delete, on_release};
    use super::*;

    fn caught(f: impl FnOnce()) -> crate::BugCheck {
        *std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
            .expect_err("expected a stop")
            .downcast::<crate::BugCheck>()
            .expect("a BugCheck")
    }

    // Fake addresses: the hooks never dereference them.
    const RESOURCE: usize = 0x7000_0000_1000;
    const PUSH_LOCK: usize = 0x7000_0000_2000;

    #[test]
    fn v1_resource_recursion_is_counted_never_stopped() {
        for mode in [Mode::Exclusive, Mode::Exclusive, Mode::Shared] {
            let _attempt = on_acquire_start(RESOURCE, LockKind::Resource, mode, || true);
            on_acquired(RESOURCE, LockKind::Resource, mode);
        }
        let count = held::with_current(|locks| {
            let i = locks.position(RESOURCE, LockKind::Resource).unwrap();
            (locks.held[i].count, locks.held[i].mode)
        });
        assert_eq!(count, Some((3, Mode::Exclusive)));
        for _ in 0..3 {
            on_release(RESOURCE, LockKind::Resource);
        }
        assert_eq!(
            held::with_current(|locks| locks.position(RESOURCE, LockKind::Resource)),
            Some(None)
        );
        // An unowned resource release is left to the resource's own 0xE3.
        on_release(RESOURCE, LockKind::Resource);
        on_delete(RESOURCE, LockKind::Resource);
    }

    #[test]
    fn v1_held_push_locks_lists_holders() {
        let attempt = on_acquire_start(PUSH_LOCK, LockKind::PushLock, Mode::Shared, || false);
        on_acquired(PUSH_LOCK, LockKind::PushLock, Mode::Shared);
        let me = held::with_current(|locks| locks.thread).unwrap();
        let listed = held_push_locks();
        let entry = listed.iter().find(|h| h.lock == PUSH_LOCK).expect("listed");
        assert_eq!(
            (entry.thread, entry.mode, entry.count),
            (me, Mode::Shared, 1)
        );
        drop(attempt);
        // Shared again with a queued waiter: stop, not hang.
        let check = caught(|| {
            drop(on_acquire_start(
                PUSH_LOCK,
                LockKind::PushLock,
                Mode::Shared,
                || true,
            ))
        });
        assert_eq!(check.parameters()[0], SHARED_REACQUIRE_BEHIND_WAITER);
        on_release(PUSH_LOCK, LockKind::PushLock);
        assert!(!held_push_locks().iter().any(|h| h.lock == PUSH_LOCK));
        on_delete(PUSH_LOCK, LockKind::PushLock);
    }
}
