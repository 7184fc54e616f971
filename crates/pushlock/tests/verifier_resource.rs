#![cfg(all(not(pushlock_loom), feature = "verifier"))]
//! V1-V3 on resources and across both kinds: resource recursion is counted, never a
//! stop; the lock-order graph spans push locks and resources; IRQL and exit checks
//! cover resources; an owner transfer hands the holding away from the thread.

use pushlock::thread::{self, Irql};
use pushlock::verifier_codes as stops;
use pushlock::{OwnerPointer, RawPushLock, Resource, flt};

mod support;
use support::{Watchdog, caught, seen_bug_checks as seen};

fn resource_addr(resource: &Resource) -> usize {
    resource as *const Resource as usize
}

fn push_lock_addr(lock: &RawPushLock) -> usize {
    lock as *const RawPushLock as usize
}

/// "tests/verifier_resource.rs:LINE:" as a `#[track_caller]` site prints it.
fn site(line: u32) -> String {
    format!("{}:{line}:", file!())
}

#[test]
fn v1_resource_recursion_is_counted_never_stopped() {
    let _watchdog = Watchdog::start(20);
    let resource = Resource::new();
    // Exclusive, exclusive, shared (R2), through both layers.
    flt::acquire_resource_exclusive(&resource);
    assert!(resource.acquire_exclusive_lite(true));
    flt::acquire_resource_shared(&resource);
    assert_eq!(resource.shared_count(), 3);
    resource.release_lite();
    flt::release_resource(&resource);
    flt::release_resource(&resource);
    // Shared recursion is no stop either (R3).
    flt::acquire_resource_shared(&resource);
    flt::acquire_resource_shared(&resource);
    flt::release_resource(&resource);
    flt::release_resource(&resource);
    assert_eq!(resource.shared_count(), 0);
}

#[test]
fn v2_order_cycle_across_push_lock_and_resource_names_both_sites() {
    static LOCK: RawPushLock = RawPushLock::new();
    static RESOURCE: Resource = Resource::new();
    let _watchdog = Watchdog::start(20);
    // One thread: push lock, then resource.
    let lock_then_resource = std::thread::spawn(|| {
        let at = line!() + 1;
        flt::acquire_push_lock_exclusive(&LOCK);
        flt::acquire_resource_shared(&RESOURCE);
        flt::release_resource(&RESOURCE);
        // SAFETY: held exclusive above, released once.
        unsafe { flt::release_push_lock(&LOCK) };
        at
    })
    .join()
    .unwrap();
    // Later, another thread: resource, then push lock: closes the cycle.
    let (check, lock_again) = std::thread::spawn(|| {
        flt::acquire_resource_exclusive(&RESOURCE);
        let at = line!() + 1;
        let check = caught(|| flt::acquire_push_lock_exclusive(&LOCK));
        flt::release_resource(&RESOURCE);
        (check, at)
    })
    .join()
    .unwrap();
    assert_eq!(check.code(), 0xC4);
    assert_eq!(
        [
            check.parameters()[0],
            check.parameters()[1],
            check.parameters()[3]
        ],
        [
            stops::LOCK_ORDER_CYCLE,
            push_lock_addr(&LOCK),
            resource_addr(&RESOURCE)
        ]
    );
    let message = check.message();
    for line in [lock_then_resource, lock_again] {
        assert!(message.contains(&site(line)), "{line} missing: {message}");
    }
    flt::delete_push_lock(&LOCK);
}

#[test]
fn v3_resource_acquire_at_dispatch_level_is_a_stop() {
    let _watchdog = Watchdog::start(20);
    let resource = Resource::new();
    let old = thread::raise_irql(Irql::DISPATCH_LEVEL);
    let check = caught(|| flt::acquire_resource_exclusive(&resource));
    assert_eq!(
        check.parameters(),
        [
            stops::ACQUIRE_AT_BAD_IRQL,
            resource_addr(&resource),
            thread::current().id(),
            2
        ]
    );
    thread::lower_irql(old);
    // Release is allowed up to DISPATCH_LEVEL.
    flt::acquire_resource_shared(&resource);
    let old = thread::raise_irql(Irql::DISPATCH_LEVEL);
    resource.release_lite();
    thread::lower_irql(old);
    // The Flt acquire's region is still entered: leave it.
    thread::leave_critical_region();
    assert_eq!(resource.shared_count(), 0);
}

#[test]
fn v1_thread_exit_holding_resource_is_reported() {
    static LEFT_OWNED: Resource = Resource::new();
    let _watchdog = Watchdog::start(20);
    let _ = seen();
    let id = std::thread::spawn(|| {
        assert!(LEFT_OWNED.acquire_exclusive_lite(true));
        thread::current().id()
    })
    .join()
    .expect("reported, not panicked");
    let seen = seen().lock().unwrap();
    let report = seen
        .iter()
        .find(|c| c.parameters()[0] == stops::EXIT_HOLDING_LOCKS && c.parameters()[2] == id)
        .expect("exit holding a resource shown to the handler");
    assert_eq!(report.parameters()[1], resource_addr(&LEFT_OWNED));
}

#[test]
fn v1_r10_owner_transfer_hands_the_holding_away() {
    static TRANSFERRED: Resource = Resource::new();
    let _watchdog = Watchdog::start(20);
    let _ = seen();
    let owner = OwnerPointer::new(0x1000_0003).unwrap();
    let (transferred, id) = std::thread::spawn(move || {
        let guard = TRANSFERRED.acquire_exclusive();
        (guard.transfer(owner), thread::current().id())
    })
    .join()
    .expect("no stop on exit: the thread no longer holds it");
    assert!(
        !seen()
            .lock()
            .unwrap()
            .iter()
            .any(|c| c.parameters()[0] == stops::EXIT_HOLDING_LOCKS && c.parameters()[2] == id),
        "a transferred resource is not held by the exiting thread"
    );
    // Released from another thread, naming the owner: no verifier stop.
    transferred.release();
    assert_eq!(TRANSFERRED.shared_count(), 0);
}

#[test]
fn v1_r13_delete_of_owned_resource_is_a_stop() {
    let _watchdog = Watchdog::start(20);
    let resource = Resource::new();
    flt::acquire_resource_exclusive(&resource);
    // The resource's own R13 check (the verifier leaves it to the resource).
    let check = caught(|| resource.delete_lite());
    assert_eq!(check.code(), 0xC4);
    assert_eq!(
        check.parameters()[..3],
        [stops::RESOURCE_DELETE_IN_USE, resource_addr(&resource), 1]
    );
    flt::release_resource(&resource);
}
