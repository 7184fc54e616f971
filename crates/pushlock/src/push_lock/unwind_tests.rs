//! Faults injected while a wait block is linked (issue 13, defect 0; invariant 10): a
//! waiter that unwinds out of its wait must take its block out of the list first, and
//! a woken one must not leave `WRITER_WOKEN` behind for a retry that never comes.
//! Without `LeaveOnUnwind` each of these leaves a dead stack block in the list (the
//! next wake writes through it) or a lock that shared acquirers queue on forever.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Barrier;
use std::thread;
use std::time::{Duration, Instant};

use super::raw::RawPushLock;

/// Where `fault_point` can fire.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Stage {
    /// Right after the block was pushed.
    Queued,
    /// After a waker signaled the block, before the retry.
    Woken,
}

type Fault = (Stage, Box<dyn Fn()>);

thread_local! {
    static FAULT: RefCell<Option<Fault>> = const { RefCell::new(None) };
}

/// Called by the queue at `stage`: if this thread armed a fault there, runs its
/// `before` hook and panics (once).
pub(super) fn fault_point(stage: Stage) {
    let armed = FAULT.with(|fault| {
        let mut fault = fault.borrow_mut();
        if fault.as_ref().is_some_and(|(at, _)| *at == stage) {
            fault.take()
        } else {
            None
        }
    });
    if let Some((_, before)) = armed {
        before();
        panic!("injected fault at {stage:?}");
    }
}

/// Arms a fault at `stage` for this thread, runs `acquire`, and returns whether it
/// unwound from that fault (not from a failed check in `before`).
fn unwinds(stage: Stage, before: impl Fn() + 'static, acquire: impl FnOnce()) -> bool {
    FAULT.with(|fault| *fault.borrow_mut() = Some((stage, Box::new(before))));
    let outcome = catch_unwind(AssertUnwindSafe(acquire));
    FAULT.with(|fault| *fault.borrow_mut() = None);
    match outcome {
        Ok(()) => false,
        Err(payload) => match payload.downcast::<String>() {
            Ok(message) if message.starts_with("injected fault") => true,
            Ok(message) => panic!("unwound from something else: {message}"),
            Err(_) => panic!("unwound from something else"),
        },
    }
}

fn wait_for_waiters(lock: &RawPushLock, n: usize) {
    let start = Instant::now();
    while lock.waiter_count() != n {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "waiters never queued: {} of {n}",
            lock.waiter_count()
        );
        thread::yield_now();
    }
}

/// The lock is free and works in both modes afterwards.
fn assert_free_and_usable(lock: &RawPushLock) {
    assert!(!lock.is_locked() && !lock.has_waiters());
    assert_eq!(lock.waiter_count(), 0);
    assert!(lock.try_acquire_shared());
    // SAFETY: held shared just above.
    unsafe { lock.release() };
    assert!(lock.try_acquire_exclusive());
    // SAFETY: held exclusive just above.
    unsafe { lock.release() };
}

#[test]
fn sole_queued_writer_unwinds_and_leaves_the_list() {
    let lock = RawPushLock::new();
    lock.acquire_exclusive();
    thread::scope(|s| {
        s.spawn(|| assert!(unwinds(Stage::Queued, || {}, || lock.acquire_exclusive())));
    });
    assert!(lock.is_locked_exclusive() && !lock.has_waiters());
    // SAFETY: held exclusive above.
    unsafe { lock.release() };
    assert_free_and_usable(&lock);
}

#[test]
fn timed_waiter_unwinds_and_leaves_the_list() {
    let lock = RawPushLock::new();
    lock.acquire_shared();
    thread::scope(|s| {
        s.spawn(|| {
            let deadline = Some(Instant::now() + Duration::from_secs(30));
            assert!(unwinds(
                Stage::Queued,
                || {},
                || {
                    lock.acquire_until(true, deadline);
                }
            ));
        });
    });
    // The share count moved into the dead block and back into the word.
    assert!(lock.is_locked() && !lock.is_locked_exclusive() && !lock.has_waiters());
    // SAFETY: held shared above.
    unsafe { lock.release() };
    assert_free_and_usable(&lock);
}

#[test]
fn waiter_in_the_middle_unwinds_and_the_others_still_get_the_lock() {
    // 'static: the fault's hook (a `Box<dyn Fn()>` in a thread-local) uses it.
    let lock: &'static RawPushLock = Box::leak(Box::new(RawPushLock::new()));
    lock.acquire_exclusive();
    let done = Barrier::new(3);
    thread::scope(|s| {
        s.spawn(|| {
            lock.acquire_shared();
            // SAFETY: held shared just above.
            unsafe { lock.release() };
            done.wait();
        });
        wait_for_waiters(lock, 1);
        let middle = s.spawn(|| {
            // Unwind only once a newer waiter queued behind us.
            let before = move || wait_for_waiters(lock, 3);
            assert!(unwinds(Stage::Queued, before, || lock.acquire_exclusive()));
        });
        wait_for_waiters(lock, 2);
        s.spawn(|| {
            lock.acquire_shared();
            // SAFETY: held shared just above.
            unsafe { lock.release() };
            done.wait();
        });
        middle.join().unwrap();
        assert_eq!(lock.waiter_count(), 2);
        // SAFETY: held exclusive above; the two shared waiters get it now.
        unsafe { lock.release() };
        done.wait();
    });
    assert_free_and_usable(lock);
}

#[test]
fn tail_with_the_share_count_unwinds_and_the_count_moves_on() {
    // 'static: the fault's hook (a `Box<dyn Fn()>` in a thread-local) uses it.
    let lock: &'static RawPushLock = Box::leak(Box::new(RawPushLock::new()));
    lock.acquire_shared();
    thread::scope(|s| {
        let tail = s.spawn(|| {
            let before = move || wait_for_waiters(lock, 2);
            // First waiter: our block is the tail and holds the share count (1).
            assert!(unwinds(Stage::Queued, before, || lock.acquire_exclusive()));
        });
        wait_for_waiters(lock, 1);
        let newer = s.spawn(|| {
            lock.acquire_exclusive();
            // SAFETY: held exclusive just above.
            unsafe { lock.release() };
        });
        tail.join().unwrap();
        assert_eq!(lock.waiter_count(), 1);
        assert!(lock.is_locked() && !lock.is_locked_exclusive());
        // SAFETY: held shared above: the last share, counted in the new tail, wakes it.
        unsafe { lock.release() };
        newer.join().unwrap();
    });
    assert_free_and_usable(lock);
}

#[test]
fn woken_writer_unwinds_without_leaving_writer_woken() {
    let lock = RawPushLock::new();
    lock.acquire_exclusive();
    thread::scope(|s| {
        s.spawn(|| assert!(unwinds(Stage::Woken, || {}, || lock.acquire_exclusive())));
        wait_for_waiters(&lock, 1);
        // SAFETY: held exclusive above; wakes the one writer alone (WRITER_WOKEN).
        unsafe { lock.release() };
    });
    // The writer never retried: a left-over WRITER_WOKEN would refuse every shared
    // acquire (and a blocking one would queue with nobody to wake it).
    assert_free_and_usable(&lock);
}
