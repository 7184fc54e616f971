#![cfg(not(pushlock_loom))]
//! Unwinding around the push lock's wait list (issue 13, defect 0; invariant 10 of
//! `push_lock/raw.rs`). A panic while holding a guard releases it and the queued
//! waiters get the lock; a verifier stop raised where a waiter would queue (behind a
//! queued writer it blocks) is raised before anything of the waiter is linked, so the
//! list holds only live blocks afterwards. Faults injected while a block *is* linked
//! are the lib tests `push_lock::unwind_tests` (they need a hook inside the queue).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use pushlock::{PushLock, RawPushLock};

mod support;
use support::Watchdog;

fn wait_for_waiters(lock: &RawPushLock, n: usize) {
    let start = Instant::now();
    while lock.waiter_count() < n {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "waiters never queued"
        );
        thread::sleep(Duration::from_micros(200));
    }
}

#[test]
fn panic_holding_the_write_guard_releases_it_to_the_queued_waiters() {
    let _watchdog = Watchdog::start(30);
    let lock = PushLock::new(0u64);
    let done = AtomicUsize::new(0);
    let (raw_ready_tx, raw_ready_rx) = std::sync::mpsc::channel();
    thread::scope(|s| {
        let owner = s.spawn(|| {
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let mut guard = lock.write();
                raw_ready_tx.send(()).unwrap();
                // SAFETY: the raw lock is only inspected (waiter_count), never released.
                wait_for_waiters(unsafe { lock.raw() }, 4);
                *guard += 1;
                panic!("writer fails mid-section");
            }));
            assert!(outcome.is_err());
        });
        raw_ready_rx.recv().unwrap();
        for i in 0..4 {
            let (lock, done) = (&lock, &done);
            s.spawn(move || {
                if i % 2 == 0 {
                    // The failed writer's +1 stays (no poisoning), whichever writer ran.
                    assert_eq!(*lock.read() % 10, 1);
                } else {
                    *lock.write() += 10;
                }
                done.fetch_add(1, Ordering::Relaxed);
            });
        }
        owner.join().unwrap();
    });
    assert_eq!(done.load(Ordering::Relaxed), 4);
    // SAFETY: only inspected.
    let raw = unsafe { lock.raw() };
    assert!(!raw.is_locked() && !raw.has_waiters());
    assert_eq!(lock.into_inner(), 21);
}

#[test]
fn panic_holding_a_read_guard_lets_the_queued_writer_in() {
    let _watchdog = Watchdog::start(30);
    let lock = PushLock::new(7u64);
    thread::scope(|s| {
        let reader = s.spawn(|| {
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let guard = lock.read();
                // SAFETY: only inspected.
                wait_for_waiters(unsafe { lock.raw() }, 1);
                assert_eq!(*guard, 7);
                panic!("reader fails mid-section");
            }));
            assert!(outcome.is_err());
        });
        let writer = s.spawn(|| {
            // Queue only once the reader holds it (the writer's CAS fails, it queues).
            // SAFETY: only inspected.
            while !unsafe { lock.raw() }.is_locked() {
                thread::yield_now();
            }
            *lock.write() = 8;
        });
        reader.join().unwrap();
        writer.join().unwrap();
    });
    assert_eq!(lock.into_inner(), 8);
}

#[cfg(feature = "verifier")]
#[test]
fn a_stop_where_a_waiter_would_queue_links_nothing() {
    use pushlock::{BugCheck, flt};
    static LOCK: RawPushLock = RawPushLock::new();
    let _watchdog = Watchdog::start(30);
    flt::acquire_push_lock_shared(&LOCK);
    let writer = thread::spawn(|| {
        flt::acquire_push_lock_exclusive(&LOCK);
        // SAFETY: held exclusive just above.
        unsafe { flt::release_push_lock(&LOCK) };
    });
    wait_for_waiters(&LOCK, 1);
    // Re-acquiring shared behind the queued writer would deadlock (P4): a stop, which
    // unwinds out of the acquire before a block of ours is pushed.
    let stop = catch_unwind(|| flt::acquire_push_lock_shared(&LOCK)).unwrap_err();
    assert!(stop.downcast::<BugCheck>().is_ok());
    assert_eq!(LOCK.waiter_count(), 1, "only the writer's block is linked");
    // SAFETY: the first shared acquire is still held; the writer gets it.
    unsafe { flt::release_push_lock(&LOCK) };
    writer.join().unwrap();
    assert!(!LOCK.is_locked() && !LOCK.has_waiters());
}
