#![cfg(not(pushlock_loom))]
//! A1 (critical regions), A3 (exit inside a region), A4 (simulated IRQL).

use std::sync::{Arc, Mutex, OnceLock};

use pushlock::thread::{self, CriticalRegion, Irql};
use pushlock::{BugCheck, codes, verifier_codes};

mod support;
use support::caught;

/// Every bug check shown to the handler in this test binary.
fn seen() -> &'static Mutex<Vec<BugCheck>> {
    static SEEN: OnceLock<Mutex<Vec<BugCheck>>> = OnceLock::new();
    SEEN.get_or_init(|| {
        pushlock::set_bugcheck_handler(Some(Arc::new(|check: &BugCheck| {
            seen().lock().unwrap().push(check.clone());
        })));
        Mutex::new(Vec::new())
    })
}

#[test]
fn a1_regions_nest_and_guard_leaves() {
    thread::enter_critical_region();
    {
        let _inner = CriticalRegion::enter();
    }
    thread::leave_critical_region();
    // Balanced: one more leave is the stop.
    let check = caught(thread::leave_critical_region);
    assert_eq!(check.code(), codes::DRIVER_VERIFIER_DETECTED_VIOLATION);
}

#[test]
fn a1_leave_without_enter_is_c4_3e() {
    let _ = seen();
    let check = caught(thread::leave_critical_region);
    assert_eq!(check.code(), 0xC4);
    assert_eq!(check.parameters()[0], 0x3E);
    assert_eq!(check.parameters()[0], verifier_codes::LEAVE_WITHOUT_ENTER);
    assert_eq!(check.parameters()[1], thread::current().id());
    // The handler saw it before the panic.
    assert!(
        seen()
            .lock()
            .unwrap()
            .iter()
            .any(|c| c.parameters()[0] == 0x3E && c.parameters()[1] == thread::current().id())
    );
}

#[test]
fn a3_thread_exit_inside_region_reports_0x20() {
    let _ = seen();
    let id = std::thread::spawn(|| {
        let id = thread::current().id();
        thread::enter_critical_region();
        thread::enter_critical_region();
        id
    })
    .join()
    .expect("a report, not a panic");
    let seen = seen().lock().unwrap();
    let report = seen
        .iter()
        .find(|c| c.code() == codes::KERNEL_APC_PENDING_DURING_EXIT && c.parameters()[3] == id)
        .expect("0x20 shown to the handler");
    assert_eq!(report.parameters()[1], 2, "p2 = region depth");
    assert_eq!(report.name(), "KERNEL_APC_PENDING_DURING_EXIT");
}

#[test]
fn a3_balanced_exit_reports_nothing() {
    let _ = seen();
    // Identified by name: thread ids are reused, and a parallel test's thread that
    // exits inside a region may have had this one's id.
    std::thread::Builder::new()
        .name("a3-balanced-exit".into())
        .spawn(|| {
            let _region = CriticalRegion::enter();
            thread::current().id()
        })
        .unwrap()
        .join()
        .unwrap();
    assert!(
        !seen()
            .lock()
            .unwrap()
            .iter()
            .any(|c| c.code() == 0x20 && c.message().contains("a3-balanced-exit"))
    );
}

#[test]
fn a4_raise_lower_current() {
    assert_eq!(thread::current_irql(), Irql::PASSIVE_LEVEL);
    let old = thread::raise_irql(Irql::APC_LEVEL);
    assert_eq!(old, Irql::PASSIVE_LEVEL);
    assert_eq!(thread::current_irql(), Irql::APC_LEVEL);
    let apc_level = thread::raise_irql(Irql::DISPATCH_LEVEL);
    assert_eq!(apc_level, Irql::APC_LEVEL);
    assert_eq!(thread::current_irql().level(), 2);
    thread::lower_irql(apc_level);
    thread::lower_irql(old);
    assert_eq!(thread::current_irql(), Irql::PASSIVE_LEVEL);
}

#[test]
fn a4_irql_is_per_thread() {
    let old = thread::raise_irql(Irql::DISPATCH_LEVEL);
    let other = std::thread::spawn(thread::current_irql).join().unwrap();
    assert_eq!(other, Irql::PASSIVE_LEVEL);
    thread::lower_irql(old);
}

#[test]
fn a4_raise_to_lower_level_is_a_stop() {
    let old = thread::raise_irql(Irql::DISPATCH_LEVEL);
    let check = caught(|| {
        thread::raise_irql(Irql::APC_LEVEL);
    });
    assert_eq!(check.code(), 0xC4);
    assert_eq!(check.parameters()[..3], [0x30, 2, 1]);
    let check = caught(|| thread::lower_irql(Irql::HIGH_LEVEL));
    assert_eq!(check.parameters()[..3], [0x31, 2, 15]);
    thread::lower_irql(old);
}
