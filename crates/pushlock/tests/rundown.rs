#![cfg(not(pushlock_loom))]
//! Rundown protection (`RundownRef`, `EX_RUNDOWN_REF`): the semantics of each call, the
//! misuse bug checks, and a teardown racing acquirers.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use pushlock::{RundownRef, verifier_codes};

mod support;

const C4: u32 = 0xC4;

#[test]
fn rundown_acquire_release_and_ex_counts() {
    let r = RundownRef::new();
    assert!(!r.is_run_down());
    assert!(r.acquire());
    assert!(r.acquire_ex(4));
    assert!(
        r.acquire_ex(0),
        "a zero-count acquire succeeds before rundown"
    );
    r.release_ex(3);
    r.release();
    r.release();
    // Everything released: the wait returns at once and leaves it run down.
    r.wait_for_release();
    assert!(r.is_run_down());
    assert!(!r.acquire(), "no acquire after rundown started");
    assert!(!r.acquire_ex(2));
    assert!(!r.acquire_ex(0));
    r.completed();
    r.reinitialize();
    assert!(!r.is_run_down());
    assert!(r.acquire());
    r.release();
}

#[test]
fn rundown_wait_blocks_until_the_last_release_and_refuses_acquires_meanwhile() {
    let _dog = support::watchdog(30);
    let r = Arc::new(RundownRef::new());
    assert!(r.acquire_ex(2));
    let returned = Arc::new(AtomicBool::new(false));
    let waiter = {
        let (r, returned) = (r.clone(), returned.clone());
        std::thread::spawn(move || {
            r.wait_for_release();
            returned.store(true, Ordering::SeqCst);
        })
    };
    while !r.is_run_down() {
        std::thread::yield_now();
    }
    assert!(
        !r.acquire(),
        "rundown started: acquires fail while protections remain"
    );
    r.release();
    std::thread::sleep(Duration::from_millis(20));
    assert!(
        !returned.load(Ordering::SeqCst),
        "one protection is still held"
    );
    r.release();
    waiter.join().unwrap();
    assert!(returned.load(Ordering::SeqCst));
    r.completed();
}

#[test]
fn rundown_release_by_another_thread_counts() {
    let _dog = support::watchdog(30);
    let r = Arc::new(RundownRef::new());
    assert!(r.acquire());
    let other = r.clone();
    std::thread::spawn(move || other.release()).join().unwrap();
    r.wait_for_release();
}

#[test]
fn rundown_release_without_acquire_bug_checks() {
    let r = RundownRef::new();
    let check = support::caught(|| r.release());
    assert_eq!(check.code(), C4);
    let [p1, p2, p3, p4] = check.parameters();
    assert_eq!(p1, verifier_codes::RUNDOWN_RELEASE_NOT_ACQUIRED);
    assert_eq!((p2, p3, p4), (&r as *const RundownRef as usize, 0, 1));
    assert!(check.message().contains("without a matching acquire"));
    assert!(
        check.message().contains("rundown.rs"),
        "names the call site"
    );

    assert!(r.acquire_ex(2));
    let check = support::caught(|| r.release_ex(3));
    assert_eq!(check.parameters()[2..], [2, 3]);
    r.release_ex(2);
}

#[test]
fn rundown_release_after_the_wait_returned_bug_checks() {
    let r = RundownRef::new();
    r.wait_for_release();
    let check = support::caught(|| r.release());
    assert_eq!(
        check.parameters()[0],
        verifier_codes::RUNDOWN_RELEASE_NOT_ACQUIRED
    );
}

#[test]
fn rundown_release_underflow_during_a_wait_bug_checks_and_the_wait_still_ends() {
    let _dog = support::watchdog(30);
    let r = Arc::new(RundownRef::new());
    assert!(r.acquire());
    let waiter = {
        let r = r.clone();
        std::thread::spawn(move || r.wait_for_release())
    };
    while !r.is_run_down() {
        std::thread::yield_now();
    }
    let check = support::caught(|| r.release_ex(2));
    assert_eq!(
        check.parameters()[0],
        verifier_codes::RUNDOWN_RELEASE_NOT_ACQUIRED
    );
    assert_eq!(check.parameters()[2..], [1, 2]);
    r.release();
    waiter.join().unwrap();
}

#[test]
fn rundown_wait_twice_bug_checks() {
    let r = RundownRef::new();
    r.wait_for_release();
    let check = support::caught(|| r.wait_for_release());
    assert_eq!(check.code(), C4);
    assert_eq!(check.parameters()[0], verifier_codes::RUNDOWN_WAIT_TWICE);
    assert_eq!(check.parameters()[3], 1, "rundown had completed");
    assert!(check.message().contains("reinitialize"));
}

#[test]
fn rundown_second_waiter_during_a_wait_bug_checks() {
    let _dog = support::watchdog(30);
    let r = Arc::new(RundownRef::new());
    assert!(r.acquire());
    let waiter = {
        let r = r.clone();
        std::thread::spawn(move || r.wait_for_release())
    };
    while !r.is_run_down() {
        std::thread::yield_now();
    }
    let check = support::caught(|| r.wait_for_release());
    assert_eq!(check.parameters()[0], verifier_codes::RUNDOWN_WAIT_TWICE);
    assert_eq!(check.parameters()[3], 0, "a wait was in progress");
    // `completed` and `reinitialize` during the wait are refused too.
    let check = support::caught(|| r.completed());
    assert_eq!(check.parameters()[0], verifier_codes::RUNDOWN_BAD_STATE);
    let check = support::caught(|| r.reinitialize());
    assert_eq!(check.parameters()[0], verifier_codes::RUNDOWN_BAD_STATE);
    r.release();
    waiter.join().unwrap();
}

#[test]
fn rundown_completed_or_reinitialize_before_rundown_bug_checks() {
    let r = RundownRef::new();
    assert!(r.acquire());
    let check = support::caught(|| r.completed());
    assert_eq!(check.parameters()[0], verifier_codes::RUNDOWN_BAD_STATE);
    assert_eq!(check.parameters()[2..], [0, 1], "not run down, one held");
    assert!(check.message().contains("has not started"));
    let check = support::caught(|| r.reinitialize());
    assert_eq!(check.parameters()[0], verifier_codes::RUNDOWN_BAD_STATE);
    r.release();
    assert!(r.acquire(), "the refused reinitialize changed nothing");
    r.release();
}

#[test]
fn rundown_count_overflow_bug_checks() {
    let r = RundownRef::new();
    assert!(r.acquire_ex(usize::MAX >> 1));
    let check = support::caught(|| {
        let _ = r.acquire();
    });
    assert_eq!(
        check.parameters()[0],
        verifier_codes::RUNDOWN_COUNT_OVERFLOW
    );
    r.release_ex(usize::MAX >> 1);
    let check = support::caught(|| {
        let _ = r.acquire_ex(usize::MAX);
    });
    assert_eq!(
        check.parameters()[0],
        verifier_codes::RUNDOWN_COUNT_OVERFLOW
    );
}

#[cfg(feature = "verifier")]
#[test]
fn v3_rundown_wait_above_apc_level_stops() {
    use pushlock::thread::{self, Irql};
    let r = RundownRef::new();
    let old = thread::raise_irql(Irql::DISPATCH_LEVEL);
    let check = support::caught(|| r.wait_for_release());
    thread::lower_irql(old);
    assert_eq!(check.parameters()[0], verifier_codes::ACQUIRE_AT_BAD_IRQL);
    assert_eq!(check.parameters()[3], 2);
    assert!(check.message().contains("wait for rundown"));
    assert!(!r.is_run_down(), "the stop came before the wait started");
}

/// Teardown racing acquirers, many rounds: no acquire succeeds after the wait
/// returned, and the wait returns only once every protection was released (each
/// successful user marks itself inside and outside; the waiter checks nobody is
/// inside when it returns).
#[test]
fn rundown_stress_teardown_racing_acquirers() {
    let _dog = support::watchdog(120);
    const USERS: usize = 4;
    const ROUNDS: usize = 300;
    for round in 0..ROUNDS {
        let r = Arc::new(RundownRef::new());
        let inside = Arc::new(AtomicUsize::new(0));
        let torn_down = Arc::new(AtomicBool::new(false));
        let late = Arc::new(AtomicUsize::new(0));
        let users: Vec<_> = (0..USERS)
            .map(|user| {
                let (r, inside, torn_down, late) =
                    (r.clone(), inside.clone(), torn_down.clone(), late.clone());
                std::thread::spawn(move || {
                    let mut used = 0usize;
                    for i in 0..50 {
                        let count = 1 + (user + i) % 3;
                        let ok = if count == 1 {
                            r.acquire()
                        } else {
                            r.acquire_ex(count)
                        };
                        if !ok {
                            break;
                        }
                        if torn_down.load(Ordering::SeqCst) {
                            late.fetch_add(1, Ordering::SeqCst);
                        }
                        inside.fetch_add(1, Ordering::SeqCst);
                        used += 1;
                        if i % 7 == 0 {
                            std::thread::yield_now();
                        }
                        inside.fetch_sub(1, Ordering::SeqCst);
                        if count == 1 {
                            r.release();
                        } else {
                            r.release_ex(count);
                        }
                    }
                    used
                })
            })
            .collect();
        if round % 2 == 0 {
            std::thread::yield_now();
        }
        r.wait_for_release();
        torn_down.store(true, Ordering::SeqCst);
        assert_eq!(
            inside.load(Ordering::SeqCst),
            0,
            "round {round}: the wait returned while a protection was held"
        );
        assert!(
            !r.acquire(),
            "round {round}: acquire after the wait returned"
        );
        for user in users {
            user.join().unwrap();
        }
        assert_eq!(
            late.load(Ordering::SeqCst),
            0,
            "round {round}: an acquire succeeded after the wait returned"
        );
        r.completed();
    }
}
