#![cfg(not(pushlock_loom))]
//! P9 (flags), P10 (delete), and A2 through the Flt layer: an APC waits for the
//! release of a lock taken with `flt`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use pushlock::{RawPushLock, codes, flt, thread};

mod support;
use support::{Watchdog, caught};

/// The thread is outside any critical region: one more leave is the 0x3E stop.
fn assert_outside_region() {
    let check = caught(thread::leave_critical_region);
    assert_eq!(check.parameters()[0], 0x3E);
}

#[test]
fn p9_defined_flags_accepted() {
    let lock = RawPushLock::new();
    for flags in 0..=3 {
        flt::acquire_push_lock_exclusive_ex(&lock, flags);
        assert!(lock.is_locked_exclusive());
        // SAFETY: held exclusive just above, released once.
        unsafe { flt::release_push_lock(&lock) };
        flt::acquire_push_lock_shared_ex(&lock, flags);
        assert!(lock.is_locked() && !lock.is_locked_exclusive());
        // SAFETY: held shared just above, released once.
        unsafe { flt::release_push_lock(&lock) };
    }
    assert!(!lock.is_locked());
    assert_outside_region();
}

#[test]
fn p9_undefined_flags_bug_check_0x152() {
    let lock = RawPushLock::new();
    let address = &lock as *const RawPushLock as usize;
    for flags in [4, 0x80, 4 | flt::FLT_PUSH_LOCK_ENABLE_AUTO_BOOST, u32::MAX] {
        let check = caught(|| flt::acquire_push_lock_exclusive_ex(&lock, flags));
        assert_eq!(check.code(), codes::INVALID_PUSH_LOCK_FLAGS);
        assert_eq!(check.name(), "INVALID_PUSH_LOCK_FLAGS");
        assert_eq!(check.parameters()[..2], [flags as usize, address]);
        let check = caught(|| flt::acquire_push_lock_shared_ex(&lock, flags));
        assert_eq!(check.code(), 0x152);
        assert_eq!(check.parameters()[..2], [flags as usize, address]);
    }
    assert!(!lock.is_locked(), "the lock was not touched");
    assert_outside_region();
}

#[test]
fn p10_delete_frees_nothing_memory_reusable() {
    let mut slot = Box::new(RawPushLock::new());
    flt::acquire_push_lock_shared(&slot);
    // SAFETY: held shared just above, released once.
    unsafe { flt::release_push_lock(&slot) };
    flt::delete_push_lock(&slot);
    // The memory is the caller's again: reuse it for a new lock.
    *slot = RawPushLock::new();
    flt::acquire_push_lock_exclusive(&slot);
    // SAFETY: held exclusive just above, released once.
    unsafe { flt::release_push_lock(&slot) };
    flt::delete_push_lock(&slot);
}

#[test]
fn a2_flt_region_holds_back_apcs_while_lock_held() {
    let lock = RawPushLock::new();
    let ran = Arc::new(AtomicUsize::new(0));
    flt::acquire_push_lock_shared(&lock);
    let counter = ran.clone();
    thread::queue_apc(&thread::current(), move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    assert!(!thread::test_alert(), "inside the Flt critical region");
    // SAFETY: held shared just above, released once.
    unsafe { flt::release_push_lock(&lock) };
    assert_eq!(ran.load(Ordering::SeqCst), 1);
}

#[test]
fn a2_apc_queued_while_flt_lock_held_runs_after_release_once_on_target() {
    static LOCK: RawPushLock = RawPushLock::new();
    let _watchdog = Watchdog::start(20);
    let runs = Arc::new(AtomicUsize::new(0));
    let (holding_tx, holding_rx) = mpsc::channel();
    let (queued_tx, queued_rx) = mpsc::channel::<()>();
    let target_runs = runs.clone();
    let target = std::thread::spawn(move || {
        flt::acquire_push_lock_exclusive(&LOCK);
        holding_tx.send(thread::current()).unwrap();
        queued_rx.recv().unwrap();
        // Inside the region: neither an alertable point nor a nested leave runs it.
        assert!(!thread::test_alert());
        {
            let _nested = thread::CriticalRegion::enter();
        }
        assert!(!thread::sleep_alertable(Duration::from_millis(5)));
        assert_eq!(
            target_runs.load(Ordering::SeqCst),
            0,
            "not before the release"
        );
        // SAFETY: this thread holds LOCK exclusive, taken through flt above.
        unsafe { flt::release_push_lock(&LOCK) };
        let after_release = target_runs.load(Ordering::SeqCst);
        assert!(!thread::test_alert(), "nothing left to run");
        after_release
    });
    let handle = holding_rx.recv().unwrap();
    let target_id = handle.id();
    let apc_runs = runs.clone();
    thread::queue_apc(&handle, move || {
        assert_eq!(
            thread::current().id(),
            target_id,
            "runs on the target thread"
        );
        assert!(!LOCK.is_locked(), "runs after the release");
        apc_runs.fetch_add(1, Ordering::SeqCst);
    });
    queued_tx.send(()).unwrap();
    let after_release = target.join().expect("target thread's checks");
    assert_eq!(after_release, 1, "ran during release_push_lock");
    assert_eq!(runs.load(Ordering::SeqCst), 1, "exactly once");
}
