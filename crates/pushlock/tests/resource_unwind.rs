#![cfg(not(pushlock_loom))]
//! Regression (a dead wait node left queued): a resource waiter that unwinds out of
//! its wait, here because the possible-deadlock reporter of R12 panics, used to leave
//! its stack `WaitNode` in the owner table; the owner's next release granted the dead
//! node (a use after free: a segfault under AddressSanitizer) and `locks()` read it.
//! Now the waiter takes its node out before the unwind goes on, and if it was granted
//! meanwhile it passes the grant on. Its own test binary: it changes global settings.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use pushlock::{LocksReport, Resource};

mod support;
use support::Watchdog;

/// Threads named "unwinds-later" panic in the reporter only once this is set.
static LET_UNWIND: AtomicBool = AtomicBool::new(false);

/// One test at a time (they share the reporter and the timeouts), each with a
/// reporter that panics on threads whose name starts with "unwinds" (on
/// "unwinds-later" only after [`LET_UNWIND`] is set: until then it stays queued).
/// The `Restore` comes first: a tuple drops in field order, so the settings are back
/// before the next test takes the serial lock (the other way round, a test could
/// find its reporter and 2 ms timeouts replaced by the defaults, and wait a minute).
fn panicking_reporter() -> (Restore, MutexGuard<'static, ()>) {
    static SERIAL: Mutex<()> = Mutex::new(());
    let serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    pushlock::set_deadlock_timeouts(Duration::from_millis(2), Duration::from_millis(2));
    let units = pushlock::set_deadlock_report_units(0);
    let reporter = pushlock::set_deadlock_reporter(Some(Arc::new(|_: &LocksReport| {
        let current = thread::current();
        let Some(name) = current.name() else { return };
        if name == "unwinds-later" {
            while !LET_UNWIND.load(Ordering::Acquire) {
                thread::sleep(Duration::from_millis(1));
            }
        }
        if name.starts_with("unwinds") {
            panic!("reporter panics");
        }
    })));
    (Restore { units, reporter }, serial)
}

struct Restore {
    units: u32,
    reporter: Option<pushlock::DeadlockReporter>,
}

impl Drop for Restore {
    fn drop(&mut self) {
        pushlock::set_deadlock_reporter(self.reporter.take());
        pushlock::set_deadlock_report_units(self.units);
        pushlock::set_deadlock_timeouts(Duration::from_millis(500), Duration::from_secs(4));
    }
}

/// Waits on `r` with `acquire` from a thread that unwinds out of the wait; returns
/// once that thread is gone.
fn unwinding_waiter(r: &Resource, acquire: impl FnOnce(&Resource) + Send) {
    thread::scope(|s| {
        let waiter = thread::Builder::new()
            .name("unwinds".into())
            .spawn_scoped(s, || catch_unwind(AssertUnwindSafe(|| acquire(r))).is_err())
            .unwrap();
        assert!(waiter.join().unwrap(), "the wait unwound");
    });
}

#[test]
fn r12_unwinding_exclusive_waiter_leaves_the_queue() {
    let _w = Watchdog::start(60);
    let _settings = panicking_reporter();
    let r = Resource::with_name("unwind-exclusive");
    let owner = r.acquire_exclusive();
    unwinding_waiter(&r, |r| drop(r.acquire_exclusive()));
    assert_eq!(r.exclusive_waiters(), 0, "the dead node left the queue");
    // The report walks the queue: it must not meet the dead node.
    let report = pushlock::locks().to_string();
    assert!(!report.contains("NumberOfExclusiveWaiters"), "{report}");
    drop(owner); // granted a dead node before the fix
    assert!(r.try_acquire_exclusive().is_some());
}

#[test]
fn r12_unwinding_shared_waiter_leaves_the_queue() {
    let _w = Watchdog::start(60);
    let _settings = panicking_reporter();
    let r = Resource::new();
    let owner = r.acquire_exclusive();
    unwinding_waiter(&r, |r| drop(r.acquire_shared()));
    assert_eq!(r.shared_waiters(), 0);
    drop(owner);
    assert!(r.try_acquire_exclusive().is_some());
}

/// A shared waiter queued behind an exclusive waiter (R3) comes in once that
/// exclusive waiter leaves: the shared owner would otherwise never release into it.
/// Mutation: without `grant_all_shared` in `Core::cancel` the shared waiter stays
/// queued and the watchdog fires.
#[test]
fn r3_shared_waiter_behind_an_unwound_exclusive_waiter_is_granted() {
    let _w = Watchdog::start(60);
    let _settings = panicking_reporter();
    LET_UNWIND.store(false, Ordering::Release);
    let r = Resource::new();
    let owner = r.acquire_shared();
    thread::scope(|s| {
        let exclusive = thread::Builder::new()
            .name("unwinds-later".into())
            .spawn_scoped(s, || {
                catch_unwind(AssertUnwindSafe(|| drop(r.acquire_exclusive()))).is_err()
            })
            .unwrap();
        while r.exclusive_waiters() != 1 {
            thread::yield_now();
        }
        // R3: this shared acquirer queues behind the exclusive waiter.
        let shared = s.spawn(|| {
            let _g = r.acquire_shared();
        });
        while r.shared_waiters() != 1 {
            thread::yield_now();
        }
        // Now the exclusive waiter's reporter panics; the shared waiter must get in
        // while `owner` still holds the resource shared.
        LET_UNWIND.store(true, Ordering::Release);
        assert!(exclusive.join().unwrap());
        shared.join().unwrap();
    });
    assert_eq!(r.exclusive_waiters(), 0);
    assert_eq!(r.shared_waiters(), 0);
    drop(owner);
    assert!(r.try_acquire_exclusive().is_some());
}
