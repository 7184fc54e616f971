#![cfg(not(pushlock_loom))]
//! Spin locks (`SpinLock`, `KSPIN_LOCK`): the IRQL each call leaves, mutual exclusion
//! under contention, the misuse bug checks, and (under the verifier) the stop for a
//! blocking lock taken while a spin lock is held, naming both sites.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use pushlock::thread::{self, Irql, current_irql};
use pushlock::{SpinLock, codes};

mod support;

#[test]
fn a4_spin_lock_acquire_raises_to_dispatch_and_release_restores() {
    let lock = SpinLock::new();
    let old = lock.acquire();
    assert_eq!(old, Irql::PASSIVE_LEVEL);
    assert_eq!(current_irql(), Irql::DISPATCH_LEVEL);
    assert!(lock.is_held() && lock.is_held_by_current_thread());
    lock.release(old);
    assert_eq!(current_irql(), Irql::PASSIVE_LEVEL);
    assert!(!lock.is_held());

    // From APC_LEVEL: the release goes back to APC_LEVEL.
    let apc = thread::raise_irql(Irql::APC_LEVEL);
    let old = lock.acquire();
    assert_eq!(old, Irql::APC_LEVEL);
    lock.release(old);
    assert_eq!(current_irql(), Irql::APC_LEVEL);
    thread::lower_irql(apc);
}

#[test]
fn a4_spin_lock_at_dpc_level_leaves_the_irql_alone() {
    let (a, b) = (SpinLock::new(), SpinLock::new());
    let old = a.acquire();
    b.acquire_at_dpc_level();
    assert_eq!(current_irql(), Irql::DISPATCH_LEVEL);
    assert!(b.is_held_by_current_thread());
    b.release_from_dpc_level();
    assert_eq!(current_irql(), Irql::DISPATCH_LEVEL);
    assert!(!b.is_held());
    a.release(old);
    assert_eq!(current_irql(), Irql::PASSIVE_LEVEL);
}

#[test]
fn a4_in_stack_queued_spin_lock_carries_the_old_irql() {
    let lock = SpinLock::new();
    let handle = lock.acquire_in_stack_queued();
    assert_eq!(handle.old_irql(), Irql::PASSIVE_LEVEL);
    assert_eq!(current_irql(), Irql::DISPATCH_LEVEL);
    assert!(lock.is_held_by_current_thread());
    SpinLock::release_in_stack_queued(handle);
    assert_eq!(current_irql(), Irql::PASSIVE_LEVEL);
    assert!(!lock.is_held());
}

#[test]
fn spin_lock_recursive_acquire_bug_checks_before_raising() {
    let lock = SpinLock::new();
    let old = lock.acquire();
    let check = support::caught(|| {
        let _ = lock.acquire();
    });
    assert_eq!(check.code(), codes::SPIN_LOCK_ALREADY_OWNED);
    assert_eq!(check.name(), "SPIN_LOCK_ALREADY_OWNED");
    assert_eq!(check.parameters()[0], &lock as *const SpinLock as usize);
    assert!(check.message().contains("already holds it"));
    assert_eq!(
        current_irql(),
        Irql::DISPATCH_LEVEL,
        "unchanged by the stop"
    );
    let check = support::caught(|| lock.acquire_at_dpc_level());
    assert_eq!(check.code(), codes::SPIN_LOCK_ALREADY_OWNED);
    lock.release(old);
}

#[test]
fn spin_lock_release_not_owned_bug_checks() {
    let lock = Arc::new(SpinLock::new());
    let check = support::caught(|| lock.release(Irql::PASSIVE_LEVEL));
    assert_eq!(check.code(), codes::SPIN_LOCK_NOT_OWNED);
    assert_eq!(check.parameters()[2], 0, "free");
    assert!(check.message().contains("it is free"));

    let old = lock.acquire();
    let other = lock.clone();
    let check = std::thread::spawn(move || {
        let check = support::caught(|| {
            let old = thread::raise_irql(Irql::DISPATCH_LEVEL);
            other.release(old);
        });
        thread::lower_irql(Irql::PASSIVE_LEVEL);
        check
    })
    .join()
    .unwrap();
    assert_eq!(check.code(), codes::SPIN_LOCK_NOT_OWNED);
    assert_ne!(check.parameters()[2], 0, "names the holder");
    assert!(
        lock.is_held_by_current_thread(),
        "the bad release changed nothing"
    );
    lock.release(old);
}

#[test]
fn spin_lock_release_to_a_higher_irql_bug_checks_before_releasing() {
    let lock = SpinLock::new();
    let old = lock.acquire();
    let check = support::caught(|| lock.release(Irql::HIGH_LEVEL));
    assert_eq!(check.parameters()[0], 0x31);
    assert!(lock.is_held_by_current_thread());
    lock.release(old);
}

#[test]
fn spin_lock_stress_mutual_exclusion() {
    let _dog = support::watchdog(60);
    const THREADS: usize = 4;
    const ROUNDS: usize = 5_000;
    let lock = Arc::new(SpinLock::new());
    let inside = Arc::new(AtomicUsize::new(0));
    let total = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (lock, inside, total) = (lock.clone(), inside.clone(), total.clone());
            std::thread::spawn(move || {
                for i in 0..ROUNDS {
                    let queued = (t + i) % 2 == 0;
                    let handle = queued.then(|| lock.acquire_in_stack_queued());
                    let old = if queued { None } else { Some(lock.acquire()) };
                    assert_eq!(current_irql(), Irql::DISPATCH_LEVEL);
                    assert_eq!(inside.fetch_add(1, Ordering::Relaxed), 0, "two holders");
                    total.fetch_add(1, Ordering::Relaxed);
                    inside.fetch_sub(1, Ordering::Relaxed);
                    match (handle, old) {
                        (Some(handle), _) => SpinLock::release_in_stack_queued(handle),
                        (None, Some(old)) => lock.release(old),
                        (None, None) => unreachable!(),
                    }
                    assert_eq!(current_irql(), Irql::PASSIVE_LEVEL);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(total.load(Ordering::Relaxed), THREADS * ROUNDS);
}

#[cfg(feature = "verifier")]
mod verifier {
    use super::*;
    use pushlock::{RawPushLock, Resource, RundownRef, flt, verifier_codes};

    #[test]
    fn v3_push_lock_under_a_spin_lock_stops_naming_the_spin_lock_site() {
        let spin = SpinLock::new();
        let push = RawPushLock::new();
        let old = spin.acquire(); // line A
        let spin_line = line!() - 1;
        let check = support::caught(|| flt::acquire_push_lock_exclusive(&push));
        spin.release(old);
        assert_eq!(check.parameters()[0], verifier_codes::ACQUIRE_AT_BAD_IRQL);
        assert_eq!(check.parameters()[1], &push as *const RawPushLock as usize);
        assert_eq!(check.parameters()[3], 2, "at DISPATCH_LEVEL");
        let message = check.message();
        assert!(
            message.contains(&format!(
                "spin lock {:#x}",
                &spin as *const SpinLock as usize
            )),
            "{message}"
        );
        assert!(
            message.contains(&format!("tests/spin_lock.rs:{spin_line}:")),
            "names the spin lock's acquisition site: {message}"
        );
        assert!(
            !push.is_locked(),
            "the stop came before the push lock was touched"
        );
    }

    #[test]
    fn v3_resource_and_rundown_wait_under_a_spin_lock_stop_naming_it() {
        let spin = SpinLock::new();
        let resource = Resource::new();
        let rundown = RundownRef::new();
        let handle = spin.acquire_in_stack_queued();
        let check = support::caught(|| drop(resource.acquire_exclusive()));
        assert_eq!(check.parameters()[0], verifier_codes::ACQUIRE_AT_BAD_IRQL);
        assert!(check.message().contains("spin lock"), "{}", check.message());
        let check = support::caught(|| rundown.wait_for_release());
        assert_eq!(check.parameters()[0], verifier_codes::ACQUIRE_AT_BAD_IRQL);
        assert!(check.message().contains("spin lock"), "{}", check.message());
        SpinLock::release_in_stack_queued(handle);
        // Released: the same calls are fine now, and name no spin lock.
        drop(resource.acquire_exclusive());
        rundown.wait_for_release();
    }

    #[test]
    fn v3_at_dpc_level_below_dispatch_stops() {
        let spin = SpinLock::new();
        let check = support::caught(|| spin.acquire_at_dpc_level());
        assert_eq!(
            check.parameters()[0],
            verifier_codes::SPIN_LOCK_BELOW_DISPATCH
        );
        assert!(check.message().contains("KeAcquireSpinLockAtDpcLevel"));
        assert!(!spin.is_held());
    }
}
