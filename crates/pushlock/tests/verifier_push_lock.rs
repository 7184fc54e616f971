#![cfg(all(not(pushlock_loom), feature = "verifier"))]
//! V1-V3 on push locks: each misuse that would hang or corrupt ends in its stop
//! (bug check 0xC4 with the sub-code of `pushlock::verifier_codes`), caught here.

use std::panic::catch_unwind;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use pushlock::thread::{self, Irql};
use pushlock::verifier_codes as stops;
use pushlock::{BugCheck, RawPushLock, flt};

mod support;
use support::{Watchdog, caught, seen_bug_checks as seen};

fn addr(lock: &RawPushLock) -> usize {
    lock as *const RawPushLock as usize
}

/// "tests/verifier_push_lock.rs:LINE:" as a `#[track_caller]` site prints it.
fn site(line: u32) -> String {
    format!("{}:{line}:", file!())
}

#[test]
fn v1_recursive_exclusive_acquire_is_a_stop_naming_both_sites() {
    let _watchdog = Watchdog::start(20);
    let lock = RawPushLock::new();
    let first = line!() + 1;
    flt::acquire_push_lock_exclusive(&lock);
    let second = line!() + 1;
    let check = caught(|| flt::acquire_push_lock_exclusive(&lock));
    assert_eq!(check.code(), 0xC4);
    assert_eq!(
        check.parameters()[..3],
        [
            stops::RECURSIVE_PUSH_LOCK_ACQUIRE,
            addr(&lock),
            thread::current().id()
        ]
    );
    assert!(
        check.message().contains(&site(first)),
        "{}",
        check.message()
    );
    assert!(
        check.message().contains(&site(second)),
        "{}",
        check.message()
    );
    // The failed flt acquire left its critical region; the first one is still held.
    // SAFETY: held exclusive by the first acquire, released once.
    unsafe { flt::release_push_lock(&lock) };
    flt::delete_push_lock(&lock);
}

#[test]
fn v1_recursive_acquire_any_mode_mix_is_a_stop() {
    let _watchdog = Watchdog::start(20);
    let lock = RawPushLock::new();
    lock.acquire_shared();
    let check = caught(|| lock.acquire_exclusive());
    assert_eq!(check.parameters()[0], stops::RECURSIVE_PUSH_LOCK_ACQUIRE);
    // SAFETY: held shared above.
    unsafe { lock.release() };
    lock.acquire_exclusive();
    let check = caught(|| lock.acquire_shared());
    assert_eq!(check.parameters()[0], stops::RECURSIVE_PUSH_LOCK_ACQUIRE);
    // SAFETY: held exclusive above.
    unsafe { lock.release() };
    // Shared twice without waiters is allowed (P4).
    lock.acquire_shared();
    lock.acquire_shared();
    // SAFETY: held shared twice above.
    unsafe { lock.release() };
    // SAFETY: as above.
    unsafe { lock.release() };
    assert!(!lock.is_locked());
}

#[test]
fn v1_shared_reacquire_behind_queued_exclusive_waiter_is_a_stop() {
    static LOCK: RawPushLock = RawPushLock::new();
    let _watchdog = Watchdog::start(20);
    flt::acquire_push_lock_shared(&LOCK);
    let (started_tx, started_rx) = mpsc::channel();
    let writer = std::thread::spawn(move || {
        started_tx.send(()).unwrap();
        flt::acquire_push_lock_exclusive(&LOCK);
        // SAFETY: held exclusive just above.
        unsafe { flt::release_push_lock(&LOCK) };
    });
    started_rx.recv().unwrap();
    // Until the writer is queued, a shared re-acquire is fine; once it is, the
    // verifier stops it (it would wait behind the writer, which waits for us).
    let check = loop {
        match catch_unwind(|| flt::acquire_push_lock_shared(&LOCK)) {
            Ok(()) => {
                // SAFETY: the re-acquire just above succeeded.
                unsafe { flt::release_push_lock(&LOCK) };
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(payload) => break *payload.downcast::<BugCheck>().unwrap(),
        }
    };
    assert_eq!(check.code(), 0xC4);
    assert_eq!(
        check.parameters()[..2],
        [stops::SHARED_REACQUIRE_BEHIND_WAITER, addr(&LOCK)]
    );
    // SAFETY: the first shared acquire is still held.
    unsafe { flt::release_push_lock(&LOCK) };
    writer.join().unwrap();
}

#[test]
fn v1_release_of_unheld_lock_is_a_stop() {
    let _watchdog = Watchdog::start(20);
    let lock = RawPushLock::new();
    let check = caught(|| {
        // SAFETY: deliberately broken contract: the verifier stops before the lock is
        // touched.
        unsafe { lock.release() }
    });
    assert_eq!(
        check.parameters()[..3],
        [stops::RELEASE_NOT_HELD, addr(&lock), thread::current().id()]
    );
    assert!(!lock.is_locked());

    // Held by another thread is not held by this one.
    static OTHERS: RawPushLock = RawPushLock::new();
    std::thread::spawn(|| OTHERS.acquire_shared())
        .join()
        .unwrap();
    let check = caught(|| {
        // SAFETY: deliberately broken contract, stopped before the lock is touched.
        unsafe { OTHERS.release() }
    });
    assert_eq!(check.parameters()[0], stops::RELEASE_NOT_HELD);
    assert!(OTHERS.is_locked(), "not corrupted");
}

#[test]
fn v1_p10_delete_of_held_lock_is_a_stop() {
    let _watchdog = Watchdog::start(20);
    let lock = RawPushLock::new();
    flt::acquire_push_lock_shared(&lock);
    let check = caught(|| flt::delete_push_lock(&lock));
    assert_eq!(
        check.parameters()[..3],
        [stops::DELETE_HELD_LOCK, addr(&lock), thread::current().id()]
    );
    // SAFETY: held shared above.
    unsafe { flt::release_push_lock(&lock) };
    flt::delete_push_lock(&lock);

    // Held by another thread.
    let held = Arc::new(RawPushLock::new());
    let (holding_tx, holding_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let other = held.clone();
    let holder = std::thread::spawn(move || {
        flt::acquire_push_lock_exclusive(&other);
        holding_tx.send(thread::current().id()).unwrap();
        done_rx.recv().unwrap();
        // SAFETY: held exclusive above.
        unsafe { flt::release_push_lock(&other) };
    });
    let holder_id = holding_rx.recv().unwrap();
    let check = caught(|| flt::delete_push_lock(&held));
    assert_eq!(
        check.parameters()[..3],
        [stops::DELETE_HELD_LOCK, addr(&held), holder_id]
    );
    done_tx.send(()).unwrap();
    holder.join().unwrap();
    flt::delete_push_lock(&held);
}

/// A waiter that left (a timed acquire that timed out) is no longer "waited for by"
/// at delete, even while its thread lives on. It used to stay recorded until the
/// thread's exit, so the delete below stopped with `DELETE_HELD_LOCK`; an unwinding
/// waiter hit the same, racing its thread's teardown (`unwind_tests`).
#[test]
fn v1_delete_after_a_timed_out_waiter_left_is_no_stop() {
    use lock_api::RawRwLockTimed as _;
    let _watchdog = Watchdog::start(20);
    let lock = Arc::new(RawPushLock::new());
    flt::acquire_push_lock_exclusive(&lock);
    let (timed_out_tx, timed_out_rx) = mpsc::channel();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let other = lock.clone();
    let waiter = std::thread::spawn(move || {
        let got = other.try_lock_shared_for(Duration::from_millis(5));
        timed_out_tx.send(got.is_none()).unwrap();
        done_rx.recv().unwrap();
    });
    assert!(
        timed_out_rx.recv().unwrap(),
        "the timed acquire got the lock"
    );
    // SAFETY: held exclusive above.
    unsafe { flt::release_push_lock(&lock) };
    flt::delete_push_lock(&lock);
    done_tx.send(()).unwrap();
    waiter.join().unwrap();
}

#[test]
fn v1_thread_exit_holding_locks_is_reported() {
    let _watchdog = Watchdog::start(20);
    let _ = seen();
    static LEFT_HELD: RawPushLock = RawPushLock::new();
    let id = std::thread::spawn(|| {
        LEFT_HELD.acquire_exclusive();
        thread::current().id()
    })
    .join()
    .expect("reported, not panicked");
    let seen = seen().lock().unwrap();
    let report = seen
        .iter()
        .find(|c| c.parameters()[0] == stops::EXIT_HOLDING_LOCKS && c.parameters()[2] == id)
        .expect("exit holding locks shown to the handler");
    assert_eq!(report.code(), 0xC4);
    assert_eq!(report.parameters()[1], addr(&LEFT_HELD));
    assert_eq!(report.parameters()[3], 1);
}

#[test]
fn v2_opposite_order_on_two_threads_reports_both_sites() {
    static A: RawPushLock = RawPushLock::new();
    static B: RawPushLock = RawPushLock::new();
    let _watchdog = Watchdog::start(20);
    let (a_then_b, b_site) = std::thread::spawn(|| {
        let a = line!() + 1;
        flt::acquire_push_lock_exclusive(&A);
        let b = line!() + 1;
        flt::acquire_push_lock_shared(&B);
        // SAFETY: both held just above, each released once.
        unsafe { flt::release_push_lock(&B) };
        // SAFETY: as above.
        unsafe { flt::release_push_lock(&A) };
        (a, b)
    })
    .join()
    .unwrap();
    // Later, one after the other (no deadlock happens): B then A.
    let (check, b_again, a_again) = std::thread::spawn(|| {
        let b = line!() + 1;
        flt::acquire_push_lock_exclusive(&B);
        let a = line!() + 1;
        let check = caught(|| flt::acquire_push_lock_exclusive(&A));
        // SAFETY: B held above.
        unsafe { flt::release_push_lock(&B) };
        (check, b, a)
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
        [stops::LOCK_ORDER_CYCLE, addr(&A), addr(&B)]
    );
    let message = check.message();
    for line in [a_then_b, b_site, b_again, a_again] {
        assert!(message.contains(&site(line)), "{line} missing: {message}");
    }
    // Reported once: the same order again passes (and leaves no region behind).
    std::thread::spawn(|| {
        flt::acquire_push_lock_exclusive(&B);
        flt::acquire_push_lock_exclusive(&A);
        // SAFETY: both held just above.
        unsafe { flt::release_push_lock(&A) };
        // SAFETY: as above.
        unsafe { flt::release_push_lock(&B) };
    })
    .join()
    .unwrap();
    flt::delete_push_lock(&A);
    flt::delete_push_lock(&B);
}

#[test]
fn v2_three_lock_cycle_is_found() {
    let _watchdog = Watchdog::start(20);
    let locks: Vec<RawPushLock> = (0..3).map(|_| RawPushLock::new()).collect();
    let pair = |first: &RawPushLock, second: &RawPushLock| {
        first.acquire_exclusive();
        second.acquire_exclusive();
        // SAFETY: both held just above.
        unsafe { second.release() };
        // SAFETY: as above.
        unsafe { first.release() };
    };
    pair(&locks[0], &locks[1]);
    pair(&locks[1], &locks[2]);
    locks[2].acquire_exclusive();
    let check = caught(|| locks[0].acquire_exclusive());
    assert_eq!(check.parameters()[0], stops::LOCK_ORDER_CYCLE);
    // SAFETY: held above.
    unsafe { locks[2].release() };
    for lock in &locks {
        flt::delete_push_lock(lock);
    }
}

#[test]
fn v2_try_acquire_adds_no_order_and_delete_forgets() {
    let _watchdog = Watchdog::start(20);
    let (c, d) = (RawPushLock::new(), RawPushLock::new());
    // Try-acquire under C: no C → D edge.
    c.acquire_exclusive();
    assert!(d.try_acquire_exclusive());
    // SAFETY: both held just above.
    unsafe { d.release() };
    // SAFETY: as above.
    unsafe { c.release() };
    d.acquire_exclusive();
    c.acquire_exclusive(); // D → C: no cycle
    // SAFETY: both held just above.
    unsafe { c.release() };
    // SAFETY: as above.
    unsafe { d.release() };
    // Deleting forgets D → C: the opposite order is then no cycle either.
    flt::delete_push_lock(&c);
    flt::delete_push_lock(&d);
    c.acquire_exclusive();
    d.acquire_exclusive();
    // SAFETY: both held just above.
    unsafe { d.release() };
    // SAFETY: as above.
    unsafe { c.release() };
    flt::delete_push_lock(&c);
    flt::delete_push_lock(&d);
}

#[test]
fn v3_a4_acquire_at_dispatch_level_is_a_stop() {
    let _watchdog = Watchdog::start(20);
    let lock = RawPushLock::new();
    let old = thread::raise_irql(Irql::DISPATCH_LEVEL);
    let check = caught(|| flt::acquire_push_lock_exclusive(&lock));
    assert_eq!(
        check.parameters(),
        [
            stops::ACQUIRE_AT_BAD_IRQL,
            addr(&lock),
            thread::current().id(),
            2
        ]
    );
    let check = caught(|| {
        lock.try_acquire_shared();
    });
    assert_eq!(check.parameters()[0], stops::ACQUIRE_AT_BAD_IRQL);
    thread::lower_irql(old);
    // The try stopped before touching the lock: nothing is held, nobody hangs on it
    // (its IRQL check used to run after the take, leaving the lock held with no guard).
    assert!(
        !lock.is_locked(),
        "a stopped try acquire left the lock held"
    );
    assert!(lock.try_acquire_exclusive());
    // SAFETY: held exclusive just above.
    unsafe { lock.release() };
    // APC_LEVEL is allowed.
    let old = thread::raise_irql(Irql::APC_LEVEL);
    flt::acquire_push_lock_shared(&lock);
    // SAFETY: held shared just above.
    unsafe { flt::release_push_lock(&lock) };
    thread::lower_irql(old);
    assert!(!lock.is_locked());
}

#[test]
fn v3_release_above_apc_level_is_a_stop() {
    let _watchdog = Watchdog::start(20);
    let lock = RawPushLock::new();
    lock.acquire_exclusive();
    let old = thread::raise_irql(Irql::DISPATCH_LEVEL);
    let check = caught(|| {
        // SAFETY: held exclusive above; the verifier stops before the release.
        unsafe { lock.release() }
    });
    assert_eq!(check.parameters()[0], stops::RELEASE_AT_BAD_IRQL);
    thread::lower_irql(old);
    // SAFETY: still held: the stopped release did not touch it.
    unsafe { lock.release() };
    assert!(!lock.is_locked());
}

#[test]
fn v3_leave_without_enter_still_a_stop() {
    let check = caught(thread::leave_critical_region);
    assert_eq!(check.parameters()[0], stops::LEAVE_WITHOUT_ENTER);
}

#[test]
fn v1_d1_locks_lists_held_push_locks_with_their_owner() {
    let _dog = Watchdog::start(20);
    let exclusive = RawPushLock::new();
    let shared = RawPushLock::new();
    exclusive.acquire_exclusive();
    shared.acquire_shared();
    shared.acquire_shared();
    let report = pushlock::locks();
    let me = pushlock::current_resource_thread();
    let find = |lock: &RawPushLock| {
        report
            .push_locks
            .iter()
            .find(|p| p.address == addr(lock))
            .cloned()
            .expect("held push lock listed by locks()")
    };
    let e = find(&exclusive);
    assert!(e.exclusive && e.count == 1 && e.thread == me);
    let s = find(&shared);
    assert!(!s.exclusive && s.count == 2 && s.thread == me);
    let text = report.to_string();
    assert!(
        text.contains(&format!("PushLock @ {:#x}", addr(&exclusive))),
        "{text}"
    );
    // SAFETY: held as acquired above.
    unsafe {
        exclusive.release();
        shared.release();
        shared.release();
    }
    let after = pushlock::locks();
    assert!(
        after
            .push_locks
            .iter()
            .all(|p| p.address != addr(&exclusive))
    );
}
