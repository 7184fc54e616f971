#![cfg(not(pushlock_loom))]
//! The Flt resource calls (`FltAcquireResourceExclusive`, `FltAcquireResourceShared`,
//! `FltReleaseResource`): each acquire enters a critical region, each release leaves
//! one after releasing, so an APC queued meanwhile runs after the release (A1, A2),
//! over the resource's recursion (R2) and its unowned-release bug check (R11).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use pushlock::{Resource, codes, flt, thread};

mod support;
use support::{Watchdog, caught};

/// The thread is outside any critical region: one more leave is the 0x3E stop.
fn assert_outside_region() {
    let check = caught(thread::leave_critical_region);
    assert_eq!(check.parameters()[0], 0x3E);
}

/// Queues an APC to the calling thread that counts its runs.
fn queue_counting_apc_to_self() -> Arc<AtomicUsize> {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    thread::queue_apc(&thread::current(), move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    runs
}

#[test]
fn a1_flt_resource_acquire_enters_region_release_leaves() {
    let _watchdog = Watchdog::start(20);
    let resource = Resource::new();
    for shared in [false, true] {
        if shared {
            flt::acquire_resource_shared(&resource);
        } else {
            flt::acquire_resource_exclusive(&resource);
        }
        assert_eq!(resource.shared_count(), 1);
        let runs = queue_counting_apc_to_self();
        assert!(!thread::test_alert(), "inside the Flt critical region");
        flt::release_resource(&resource);
        assert_eq!(runs.load(Ordering::SeqCst), 1, "delivered by the release");
        assert_eq!(resource.shared_count(), 0);
        assert_outside_region();
    }
}

#[test]
fn a1_r2_flt_resource_recursion_nests_regions() {
    let _watchdog = Watchdog::start(20);
    let resource = Resource::new();
    flt::acquire_resource_exclusive(&resource);
    flt::acquire_resource_exclusive(&resource);
    flt::acquire_resource_shared(&resource);
    assert!(resource.is_acquired_exclusive());
    assert_eq!(resource.shared_count(), 3);
    let runs = queue_counting_apc_to_self();
    for left in (0..3).rev() {
        flt::release_resource(&resource);
        assert_eq!(resource.shared_count(), left);
        let expected = usize::from(left == 0);
        assert_eq!(
            runs.load(Ordering::SeqCst),
            expected,
            "only the outermost leave delivers"
        );
    }
    assert_outside_region();
}

#[test]
fn a2_apc_queued_while_flt_resource_held_runs_after_release_once_on_target() {
    static RESOURCE: Resource = Resource::new();
    let _watchdog = Watchdog::start(20);
    let runs = Arc::new(AtomicUsize::new(0));
    let (holding_tx, holding_rx) = mpsc::channel();
    let (queued_tx, queued_rx) = mpsc::channel::<()>();
    let target_runs = runs.clone();
    let target = std::thread::spawn(move || {
        flt::acquire_resource_exclusive(&RESOURCE);
        holding_tx.send(thread::current()).unwrap();
        queued_rx.recv().unwrap();
        assert!(!thread::test_alert());
        assert!(!thread::sleep_alertable(Duration::from_millis(5)));
        assert_eq!(target_runs.load(Ordering::SeqCst), 0, "not before release");
        flt::release_resource(&RESOURCE);
        let after_release = target_runs.load(Ordering::SeqCst);
        assert!(!thread::test_alert(), "nothing left to run");
        after_release
    });
    let handle = holding_rx.recv().unwrap();
    let target_id = handle.id();
    let apc_runs = runs.clone();
    thread::queue_apc(&handle, move || {
        assert_eq!(thread::current().id(), target_id, "runs on the target");
        assert_eq!(RESOURCE.shared_count(), 0, "runs after the release");
        apc_runs.fetch_add(1, Ordering::SeqCst);
    });
    queued_tx.send(()).unwrap();
    let after_release = target.join().expect("target thread's checks");
    assert_eq!(after_release, 1, "ran during release_resource");
    assert_eq!(runs.load(Ordering::SeqCst), 1, "exactly once");
}

#[test]
fn r11_flt_release_of_unowned_resource_is_0xe3_and_leaves_no_region() {
    let _watchdog = Watchdog::start(20);
    let resource = Resource::new();
    let check = caught(|| flt::release_resource(&resource));
    assert_eq!(check.code(), codes::RESOURCE_NOT_OWNED);
    assert_eq!(check.parameters()[0], &resource as *const Resource as usize);
    assert_outside_region();
}
