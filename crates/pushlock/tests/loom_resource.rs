#![cfg(pushlock_loom)]
//! Loom models of the resource's acquire / release / hand-off core (small, bounded).
//! Run with `.ci/loom.sh` (RUSTFLAGS="--cfg pushlock_loom", LOOM_MAX_PREEMPTIONS=2, --release).
//!
//! The owner table's lock is a push lock taken exclusive (`acquire_exclusive_internal`),
//! modelled here as it runs: with its release CAS weakened to `Relaxed`,
//! `r8_loom_convert_grants_shared_waiter` reports concurrent writes to the table's
//! `UnsafeCell`.

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

use pushlock::Resource;

/// R2/R7: two exclusive acquirers (fast path against slow path, with waiting and
/// hand-off) never overlap.
#[test]
fn r7_loom_exclusive_mutual_exclusion_and_hand_off() {
    loom::model(|| {
        let r = Arc::new(Resource::new());
        let inside = Arc::new(AtomicUsize::new(0));
        let other = {
            let (r, inside) = (r.clone(), inside.clone());
            thread::spawn(move || {
                let _g = r.acquire_exclusive();
                assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
                inside.fetch_sub(1, Ordering::SeqCst);
            })
        };
        {
            let _g = r.acquire_exclusive();
            assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0);
            inside.fetch_sub(1, Ordering::SeqCst);
        }
        other.join().unwrap();
        assert!(r.try_acquire_exclusive().is_some());
    });
}

/// R7: a shared waiter behind an exclusive owner is granted by the release.
#[test]
fn r7_loom_exclusive_release_grants_shared_waiter() {
    loom::model(|| {
        let r = Arc::new(Resource::new());
        let written = Arc::new(AtomicUsize::new(0));
        let guard = r.acquire_exclusive();
        let reader = {
            let (r, written) = (r.clone(), written.clone());
            thread::spawn(move || {
                let _g = r.acquire_shared();
                // The owner's write happens-before the grant.
                assert_eq!(written.load(Ordering::Relaxed), 1);
            })
        };
        written.store(1, Ordering::Relaxed);
        drop(guard);
        reader.join().unwrap();
        assert_eq!(r.shared_waiters(), 0);
    });
}

/// R3/R4: a fast-path shared owner and a second shared acquirer (which moves the
/// first into the owner table) both get in; the resource ends idle.
#[test]
fn r3_loom_two_shared_owners_materialize() {
    loom::model(|| {
        let r = Arc::new(Resource::new());
        let other = {
            let r = r.clone();
            thread::spawn(move || {
                let _g = r.acquire_shared_starve_exclusive();
            })
        };
        drop(r.acquire_shared());
        other.join().unwrap();
        assert!(r.try_acquire_exclusive().is_some());
    });
}

#[test]
fn r2_loom_single_thread_recursion() {
    loom::model(|| {
        let r = Resource::new();
        let a = r.acquire_shared();
        let b = r.acquire_shared();
        drop(b);
        drop(a);
    });
}

/// R8: converting to shared grants a queued shared waiter while the converter keeps
/// its shared ownership.
#[test]
fn r8_loom_convert_grants_shared_waiter() {
    loom::model(|| {
        let r = Arc::new(Resource::new());
        let mut guard = r.acquire_exclusive();
        let reader = {
            let r = r.clone();
            thread::spawn(move || {
                let _g = r.acquire_shared();
                assert!(!r.is_acquired_exclusive());
            })
        };
        guard.convert_to_shared();
        reader.join().unwrap(); // granted while we still own it shared
        assert_eq!(r.shared_count(), 1);
        drop(guard);
    });
}

/// R10: an acquisition moved to an owner pointer is released by another thread and
/// hands the resource to a waiter.
#[test]
fn r10_loom_transferred_release_from_other_thread_hands_off() {
    loom::model(|| {
        let r = Arc::new(Resource::new());
        let owner = pushlock::OwnerPointer::new(0x1003).unwrap();
        // Lite form: the transfer outlives no borrow, so the releaser can own an Arc.
        assert!(r.acquire_exclusive_lite(true));
        r.set_owner_pointer_lite(owner);
        let releaser = {
            let r = r.clone();
            thread::spawn(move || r.release_for_thread_lite(owner.get()))
        };
        let _g = r.acquire_exclusive(); // waits for the releaser, or gets it after
        releaser.join().unwrap();
    });
}

/// Invariant 4: after a contended burst the resource returns to the one-word mode, and
/// a fast acquire racing with the table path that reverts it never overlaps another
/// owner; a plain (non-atomic) counter checks that each owner sees the last write.
#[test]
fn r7_loom_return_to_fast_mode_keeps_mutual_exclusion() {
    loom::model(|| {
        let r = Arc::new(Resource::new());
        let data = Arc::new(loom::cell::UnsafeCell::new(0usize));
        let bump = |r: &Resource, data: &loom::cell::UnsafeCell<usize>| {
            let _g = r.acquire_exclusive();
            // SAFETY: exclusive ownership of `r` guards `data`.
            data.with_mut(|p| unsafe { *p += 1 });
        };
        let other = {
            let (r, data) = (r.clone(), data.clone());
            thread::spawn(move || {
                bump(&r, &data);
                bump(&r, &data);
            })
        };
        bump(&r, &data);
        other.join().unwrap();
        let _g = r.acquire_exclusive();
        // SAFETY: exclusive ownership, and the other thread has finished.
        assert_eq!(data.with(|p| unsafe { *p }), 3);
        drop(_g);
        assert!(r.try_acquire_exclusive().is_some());
    });
}

/// Table Invariant 6: a grant racing with the waiter's park announcement never loses
/// the wake-up. The waiter queues behind an exclusive owner; the release either finds
/// it still watching (its announcement CAS then fails and it returns without parking)
/// or finds it announced (the grant unparks it). Mutation that fails it: unpark only
/// when the swap read `WATCHING` (or never): loom reports the parked waiter as a
/// deadlock.
#[test]
fn r7_loom_grant_racing_park_announcement_wakes_the_waiter() {
    loom::model(|| {
        let r = Arc::new(Resource::new());
        let written = Arc::new(AtomicUsize::new(0));
        let guard = r.acquire_exclusive();
        let waiter = {
            let (r, written) = (r.clone(), written.clone());
            thread::spawn(move || {
                let _g = r.acquire_exclusive();
                // The owner's write happens-before the grant, with or without a park.
                assert_eq!(written.load(Ordering::Relaxed), 1);
            })
        };
        written.store(1, Ordering::Relaxed);
        drop(guard);
        waiter.join().unwrap();
        assert_eq!(r.exclusive_waiters(), 0);
    });
}

/// R5/R7 with the queue-at-once rule: an exclusive acquirer kept out by a shared owner
/// queues without spinning, and the last shared release hands it the resource.
/// Mutation that fails it: `Core::release` granting nobody when the last shared owner
/// leaves (the writer is never woken: loom reports a deadlock).
#[test]
fn r5_loom_writer_behind_shared_owner_is_granted_by_its_release() {
    loom::model(|| {
        let r = Arc::new(Resource::new());
        let inside = Arc::new(AtomicUsize::new(0));
        let reader = r.acquire_shared();
        let writer = {
            let (r, inside) = (r.clone(), inside.clone());
            thread::spawn(move || {
                let _g = r.acquire_exclusive();
                assert_eq!(inside.load(Ordering::SeqCst), 0, "writer with a reader");
            })
        };
        inside.fetch_add(1, Ordering::SeqCst);
        inside.fetch_sub(1, Ordering::SeqCst);
        drop(reader);
        writer.join().unwrap();
        assert!(r.try_acquire_exclusive().is_some());
    });
}
