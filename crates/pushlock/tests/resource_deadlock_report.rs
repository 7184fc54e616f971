#![cfg(not(pushlock_loom))]
//! SPEC R12: waits time out internally and, after the configured number of units,
//! report a possible deadlock once (with the `locks()` snapshot) and keep waiting.
//! Its own test binary: it shortens the global timeouts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use pushlock::{LocksReport, Resource};

mod support;
use support::Watchdog;

#[test]
fn r12_possible_deadlock_reported_once_and_wait_goes_on() {
    let _watchdog = Watchdog::start(60);
    pushlock::set_deadlock_timeouts(Duration::from_millis(5), Duration::from_millis(10));
    let previous_units = pushlock::set_deadlock_report_units(3);
    let reports = Arc::new(AtomicUsize::new(0));
    let text = Arc::new(Mutex::new(String::new()));
    let (count, saved) = (reports.clone(), text.clone());
    let previous = pushlock::set_deadlock_reporter(Some(Arc::new(move |report: &LocksReport| {
        count.fetch_add(1, Ordering::SeqCst);
        *saved.lock().unwrap() = report.to_string();
    })));

    let r = Resource::with_name("r12-held");
    let owner = r.acquire_exclusive();
    thread::scope(|s| {
        let waiter = s.spawn(|| {
            let _g = r.acquire_exclusive();
        });
        while reports.load(Ordering::SeqCst) == 0 {
            thread::sleep(Duration::from_millis(5));
        }
        // Many more units pass: still one report for this wait, and it still waits.
        thread::sleep(Duration::from_millis(200));
        assert_eq!(reports.load(Ordering::SeqCst), 1);
        assert!(!waiter.is_finished());
        assert_eq!(r.exclusive_waiters(), 1);
        drop(owner);
    });
    let text = text.lock().unwrap().clone();
    assert!(text.contains("(r12-held)"), "{text}");
    assert!(text.contains("NumberOfExclusiveWaiters = 1"), "{text}");

    pushlock::set_deadlock_reporter(previous);
    pushlock::set_deadlock_report_units(previous_units);
    pushlock::set_deadlock_timeouts(Duration::from_millis(500), Duration::from_secs(4));
}
