#![cfg(not(pushlock_loom))]
//! The executive resource against SPEC R1-R11, R13 and B1, with real threads.
//! (R12 lives in `resource_deadlock_report.rs`: it changes global timeouts.)

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

// The order logs use parking_lot's Mutex, not std's: a contended std Mutex is acquired
// inside the precompiled std, where ThreadSanitizer (.ci/tsan.sh) cannot see it.
use parking_lot::Mutex;
use pushlock::{BugCheck, OwnerPointer, Resource, codes, current_resource_thread};

mod support;
use support::watchdog;

/// Polls `cond` until it holds (bounded by the watchdog).
fn until(cond: impl Fn() -> bool) {
    while !cond() {
        thread::sleep(Duration::from_millis(1));
    }
}

fn bug_check_of(f: impl FnOnce()) -> BugCheck {
    *catch_unwind(AssertUnwindSafe(f))
        .expect_err("expected a bug check")
        .downcast::<BugCheck>()
        .expect("payload is a BugCheck")
}

#[test]
fn r1_size_and_const_new() {
    let _w = watchdog(30);
    static _R: Resource = Resource::new();
    static _N: Resource = Resource::with_name("static");
    assert!(std::mem::size_of::<Resource>() <= 104);
}

#[test]
fn r2_exclusive_exclusive_shared_counts_three() {
    let _w = watchdog(30);
    let r = Resource::new();
    let a = r.acquire_exclusive();
    let b = r.acquire_exclusive();
    let c = r.acquire_shared();
    assert_eq!(r.shared_count(), 3);
    assert!(r.is_acquired_exclusive());
    drop(c);
    drop(b);
    assert_eq!(r.shared_count(), 1);
    drop(a);
    assert_eq!(r.shared_count(), 0);
    assert!(!r.is_acquired_exclusive());
}

#[test]
fn r2_exclusive_owner_gets_every_shared_flavour_as_recursion() {
    let _w = watchdog(30);
    let r = Resource::new();
    let _e = r.acquire_exclusive();
    let _a = r.try_acquire_shared().unwrap();
    let _b = r.try_acquire_shared_starve_exclusive().unwrap();
    let _c = r.try_acquire_shared_wait_for_exclusive().unwrap();
    assert!(r.is_acquired_exclusive());
    assert_eq!(r.shared_count(), 4);
}

/// Main thread owns `r` shared; a second thread waits for exclusive. Runs `check`
/// while the exclusive waiter is queued, then lets everything go.
fn with_shared_owner_and_exclusive_waiter(check: impl FnOnce(&Resource) + Send) {
    let _w = watchdog(30);
    let r = Resource::new();
    assert!(r.acquire_shared_lite(true));
    thread::scope(|s| {
        let waiter = s.spawn(|| {
            assert!(r.acquire_exclusive_lite(true));
            r.release_lite();
        });
        until(|| r.exclusive_waiters() == 1);
        check(&r);
        while r.shared_count() > 0 {
            r.release_lite();
        }
        waiter.join().unwrap();
    });
}

#[test]
fn r3_r5_shared_owner_shared_lite_true_behind_exclusive_waiter() {
    with_shared_owner_and_exclusive_waiter(|r| assert!(r.acquire_shared_lite(false)));
}

#[test]
fn r5_shared_owner_starve_exclusive_true_behind_exclusive_waiter() {
    with_shared_owner_and_exclusive_waiter(|r| {
        assert!(r.acquire_shared_starve_exclusive_lite(false));
    });
}

#[test]
fn r5_shared_owner_wait_for_exclusive_false_behind_exclusive_waiter() {
    with_shared_owner_and_exclusive_waiter(|r| {
        assert!(!r.acquire_shared_wait_for_exclusive_lite(false));
    });
}

fn on_third_thread<T: Send>(r: &Resource, f: impl FnOnce(&Resource) -> T + Send) -> T {
    thread::scope(|s| s.spawn(|| f(r)).join().unwrap())
}

#[test]
fn r3_r5_third_thread_shared_lite_false_behind_exclusive_waiter() {
    with_shared_owner_and_exclusive_waiter(|r| {
        assert!(!on_third_thread(r, |r| r.acquire_shared_lite(false)));
    });
}

#[test]
fn r4_r5_third_thread_starve_exclusive_true_behind_exclusive_waiter() {
    with_shared_owner_and_exclusive_waiter(|r| {
        on_third_thread(r, |r| {
            assert!(r.acquire_shared_starve_exclusive_lite(false));
            r.release_lite();
        });
    });
}

#[test]
fn r5_third_thread_wait_for_exclusive_false_behind_exclusive_waiter() {
    with_shared_owner_and_exclusive_waiter(|r| {
        assert!(!on_third_thread(r, |r| r.acquire_shared_wait_for_exclusive_lite(false)));
    });
}

#[test]
fn r5_r6_all_four_false_while_another_thread_owns_exclusive() {
    let _w = watchdog(30);
    let r = Resource::new();
    let _owner = r.acquire_exclusive();
    on_third_thread(&r, |r| {
        assert!(!r.acquire_exclusive_lite(false));
        assert!(!r.acquire_shared_lite(false));
        assert!(!r.acquire_shared_starve_exclusive_lite(false));
        assert!(!r.acquire_shared_wait_for_exclusive_lite(false));
        assert!(r.try_acquire_exclusive().is_none());
        assert!(r.try_acquire_shared().is_none());
        assert!(r.try_acquire_shared_starve_exclusive().is_none());
        assert!(r.try_acquire_shared_wait_for_exclusive().is_none());
    });
    assert_eq!(r.contention_count(), 0, "Wait = FALSE never waits");
}

#[test]
fn r5_shared_twice_then_exclusive_try_false() {
    let _w = watchdog(30);
    let r = Resource::new();
    let _a = r.acquire_shared();
    let _b = r.acquire_shared();
    assert!(!r.acquire_exclusive_lite(false));
    assert_eq!(r.shared_count(), 2);
}

#[test]
fn r3_new_shared_waits_for_exclusive_waiter_then_gets_in() {
    let _w = watchdog(30);
    let r = Resource::new();
    let log = Mutex::new(Vec::new());
    let main = r.acquire_shared();
    thread::scope(|s| {
        s.spawn(|| {
            let _g = r.acquire_exclusive();
            log.lock().push("exclusive");
        });
        until(|| r.exclusive_waiters() == 1);
        s.spawn(|| {
            let _g = r.acquire_shared();
            log.lock().push("shared");
        });
        until(|| r.shared_waiters() == 1);
        drop(main);
    });
    assert_eq!(*log.lock(), ["exclusive", "shared"]);
    assert_eq!(r.contention_count(), 2);
}

#[test]
fn r4_starve_exclusive_waits_only_for_exclusive_owner() {
    let _w = watchdog(30);
    let r = Resource::new();
    let (tx, rx) = mpsc::channel();
    let main = r.acquire_exclusive();
    thread::scope(|s| {
        s.spawn(|| {
            let _g = r.acquire_shared_starve_exclusive();
            tx.send(()).unwrap();
        });
        until(|| r.shared_waiters() == 1);
        assert!(rx.try_recv().is_err());
        drop(main);
        rx.recv().unwrap();
    });
}

#[test]
fn r7_exclusive_release_grants_all_shared_waiters_before_exclusive_waiter() {
    let _w = watchdog(30);
    let r = Resource::new();
    let log = Mutex::new(Vec::new());
    let main = r.acquire_exclusive();
    thread::scope(|s| {
        s.spawn(|| {
            let _g = r.acquire_exclusive();
            log.lock().push("E");
        });
        until(|| r.exclusive_waiters() == 1);
        for _ in 0..2 {
            s.spawn(|| {
                let _g = r.acquire_shared();
                log.lock().push("S");
            });
        }
        until(|| r.shared_waiters() == 2);
        drop(main);
    });
    assert_eq!(*log.lock(), ["S", "S", "E"]);
}

#[test]
fn r7_last_shared_release_grants_one_exclusive_waiter_in_order() {
    let _w = watchdog(30);
    let r = Resource::new();
    let log = Mutex::new(Vec::new());
    let main = r.acquire_shared();
    thread::scope(|s| {
        for name in ["E1", "E2"] {
            let before = r.exclusive_waiters();
            let (r, log) = (&r, &log);
            s.spawn(move || {
                let _g = r.acquire_exclusive();
                log.lock().push(name);
                // Exactly one exclusive owner at a time.
                assert!(r.is_acquired_exclusive());
            });
            until(|| r.exclusive_waiters() == before + 1);
        }
        drop(main);
    });
    assert_eq!(*log.lock(), ["E1", "E2"]);
}

#[test]
fn r8_convert_lets_shared_waiters_in_exclusive_waiter_keeps_waiting() {
    let _w = watchdog(30);
    let r = Resource::new();
    let (tx, rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let mut main = r.acquire_exclusive();
    thread::scope(|s| {
        let r = &r;
        s.spawn(move || {
            let _g = r.acquire_shared();
            tx.send(()).unwrap();
            release_rx.recv().unwrap();
        });
        until(|| r.shared_waiters() == 1);
        s.spawn(|| {
            let _g = r.acquire_exclusive();
        });
        until(|| r.exclusive_waiters() == 1);
        main.convert_to_shared();
        assert!(!r.is_acquired_exclusive());
        assert_eq!(r.shared_count(), 1);
        rx.recv().unwrap(); // the shared waiter got in
        assert_eq!(r.exclusive_waiters(), 1); // the exclusive one still waits
        assert_eq!(r.shared_waiters(), 0);
        release_tx.send(()).unwrap();
        drop(main);
    });
}

#[test]
fn r9_queries_and_contention_count() {
    let _w = watchdog(30);
    let r = Resource::new();
    assert_eq!(
        (
            r.exclusive_waiters(),
            r.shared_waiters(),
            r.contention_count()
        ),
        (0, 0, 0)
    );
    let main = r.acquire_exclusive();
    thread::scope(|s| {
        s.spawn(|| drop(r.acquire_shared()));
        s.spawn(|| drop(r.acquire_shared()));
        until(|| r.shared_waiters() == 2);
        on_third_thread(&r, |r| {
            assert!(!r.is_acquired_exclusive());
            assert_eq!(r.shared_count(), 0);
        });
        assert_eq!(r.contention_count(), 2);
        drop(main);
    });
    assert_eq!(r.shared_waiters(), 0);
}

#[test]
fn r10_transfer_to_owner_pointer_released_from_another_thread() {
    let _w = watchdog(30);
    let r = Resource::new();
    let owner = OwnerPointer::new(0x5000 | 3).unwrap();
    let moved = r.acquire_exclusive().transfer(owner);
    assert!(!r.is_acquired_exclusive());
    assert_eq!(r.shared_count(), 0);
    // Still owned: another thread cannot get it.
    assert!(!on_third_thread(&r, |r| r.acquire_shared_lite(false)));
    // The calling thread no longer owns it either.
    let check = bug_check_of(|| r.release_lite());
    assert_eq!(check.code(), codes::RESOURCE_NOT_OWNED);
    thread::scope(|s| {
        s.spawn(move || moved.release());
    });
    assert!(r.try_acquire_exclusive().is_some());
}

#[test]
fn r10_set_owner_pointer_lite_moves_every_recursion() {
    let _w = watchdog(30);
    let r = Resource::new();
    let owner = OwnerPointer::new(0x7003).unwrap();
    r.acquire_shared_lite(true);
    r.acquire_shared_lite(true);
    r.set_owner_pointer_lite(owner);
    assert_eq!(r.shared_count(), 0);
    on_third_thread(&r, |r| {
        r.release_for_thread_lite(owner.get());
        r.release_for_thread_lite(owner.get());
    });
    let check = bug_check_of(|| r.release_for_thread_lite(owner.get()));
    assert_eq!(check.code(), codes::ERESOURCE_INVALID_RELEASE);
}

#[test]
fn r10_owner_pointer_needs_low_bits_11() {
    let _w = watchdog(30);
    assert!(OwnerPointer::new(0x1000).is_none());
    assert!(OwnerPointer::new(0x1001).is_none());
    assert!(OwnerPointer::new(0x1002).is_none());
    assert_eq!(
        OwnerPointer::new(0x1003).map(OwnerPointer::get),
        Some(0x1003)
    );
}

#[test]
fn r10_release_for_thread_by_thread_id_from_another_thread() {
    let _w = watchdog(30);
    let r = Resource::new();
    r.acquire_exclusive_lite(true);
    let me = current_resource_thread();
    on_third_thread(&r, |r| r.release_for_thread_lite(me));
    assert!(!r.is_acquired_exclusive());
}

#[test]
fn r11_b1_release_unowned_is_resource_not_owned_with_parameters() {
    let _w = watchdog(30);
    let r = Resource::new();
    let check = bug_check_of(|| r.release_lite());
    assert_eq!(check.code(), 0xE3);
    assert_eq!(check.name(), "RESOURCE_NOT_OWNED");
    let [p1, p2, p3, _] = check.parameters();
    assert_eq!(p1, &r as *const Resource as usize);
    assert_eq!(p2, current_resource_thread());
    assert_eq!(p3, 0, "no owner table yet");
    assert!(check.to_string().starts_with("*** STOP: 0x000000E3"));
}

#[test]
fn r11_release_of_resource_owned_by_another_thread_names_owner_table() {
    let _w = watchdog(30);
    let r = Resource::new();
    let _a = r.acquire_shared();
    let _b = r.acquire_shared(); // recursion: the owner table exists now
    let check = on_third_thread(&r, |r| bug_check_of(|| r.release_lite()));
    assert_eq!(check.code(), codes::RESOURCE_NOT_OWNED);
    assert_ne!(check.parameters()[2], 0, "p3 = owner table");
}

/// Regression (owner value 0): `release_for_thread_lite(0)` used to match 0 against
/// both the idle and the table-mode word and reset the word to idle, so a second
/// thread got exclusive ownership while the real owner still held it. In every state
/// (idle, one-word exclusive and shared owner, table mode after a recursion, table
/// mode with a waiter) it must be `0x16E` and leave the resource as it was.
#[test]
fn r11_release_for_thread_zero_is_invalid_release_in_every_state() {
    let _w = watchdog(30);
    let zero = |r: &Resource| {
        let check = bug_check_of(|| r.release_for_thread_lite(0));
        assert_eq!(check.code(), codes::ERESOURCE_INVALID_RELEASE);
        assert_eq!(check.parameters()[1], 0);
    };
    // Idle: nothing to release, and still idle afterwards.
    let r = Resource::new();
    zero(&r);
    assert!(r.try_acquire_exclusive().is_some());
    // A one-word exclusive owner, then the table after a recursion.
    for recursions in [1, 2] {
        let r = Resource::new();
        for _ in 0..recursions {
            r.acquire_exclusive_lite(true);
        }
        zero(&r);
        assert!(r.is_acquired_exclusive(), "still owned after {recursions}");
        assert!(!on_third_thread(&r, |r| r.acquire_exclusive_lite(false)));
        assert!(!on_third_thread(&r, |r| r.acquire_shared_lite(false)));
        for _ in 0..recursions {
            r.release_lite();
        }
        assert!(on_third_thread(&r, |r| {
            let got = r.acquire_exclusive_lite(false);
            r.release_lite();
            got
        }));
    }
    // A one-word shared owner.
    let r = Resource::new();
    r.acquire_shared_lite(true);
    zero(&r);
    assert_eq!(r.shared_count(), 1);
    assert!(!on_third_thread(&r, |r| r.acquire_exclusive_lite(false)));
    r.release_lite();
    // Table mode with a queued exclusive waiter: the waiter is still granted.
    with_shared_owner_and_exclusive_waiter(|r| {
        zero(r);
        assert_eq!(r.exclusive_waiters(), 1);
        assert_eq!(r.shared_count(), 1);
    });
}

#[test]
fn r11_release_for_bad_owner_is_eresource_invalid_release() {
    let _w = watchdog(30);
    let r = Resource::new();
    let _g = r.acquire_exclusive();
    let check = bug_check_of(|| r.release_for_thread_lite(0x1234_5003));
    assert_eq!(check.code(), 0x16E);
    assert_eq!(check.name(), "ERESOURCE_INVALID_RELEASE");
    assert_eq!(check.parameters()[1], 0x1234_5003);
}

#[test]
fn r13_delete_of_owned_resource_is_a_stop() {
    let _w = watchdog(30);
    let r = Resource::new();
    r.acquire_shared_lite(true);
    let check = bug_check_of(|| r.delete_lite());
    assert_eq!(check.code(), codes::DRIVER_VERIFIER_DETECTED_VIOLATION);
    assert_eq!(
        check.parameters()[..2],
        [
            codes::VERIFIER_RESOURCE_DELETE_IN_USE,
            &r as *const Resource as usize
        ]
    );
    r.release_lite();
    r.delete_lite();
}

#[test]
fn r13_drop_of_owned_resource_is_a_stop() {
    let _w = watchdog(30);
    let r = Resource::with_name("dropped while owned");
    r.acquire_exclusive_lite(true);
    let check = bug_check_of(move || drop(r));
    assert_eq!(check.code(), codes::DRIVER_VERIFIER_DETECTED_VIOLATION);
    assert_eq!(
        check.parameters()[0],
        codes::VERIFIER_RESOURCE_DELETE_IN_USE
    );
}

#[test]
fn r13_reinitialize_resets_idle_and_stops_when_owned() {
    let _w = watchdog(30);
    let r = Resource::new();
    let main = r.acquire_exclusive();
    thread::scope(|s| {
        s.spawn(|| drop(r.acquire_exclusive()));
        until(|| r.exclusive_waiters() == 1);
        let check = bug_check_of(|| r.reinitialize());
        assert_eq!(
            check.parameters()[0],
            codes::VERIFIER_RESOURCE_DELETE_IN_USE
        );
        drop(main);
    });
    assert_eq!(r.contention_count(), 1);
    r.reinitialize();
    assert_eq!(r.contention_count(), 0);
    assert!(r.try_acquire_exclusive().is_some());
}

#[test]
fn r8_convert_unowned_is_resource_not_owned() {
    let _w = watchdog(30);
    let r = Resource::new();
    let check = bug_check_of(|| r.convert_exclusive_to_shared_lite());
    assert_eq!(check.code(), codes::RESOURCE_NOT_OWNED);
}
