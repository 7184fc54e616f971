//! Stress: 16 threads hammer one push lock with every kind of acquire (blocking, try,
//! timed with timeouts of 0-49 us, downgrade) and check two invariants all the time: no
//! lost update on a counter written under exclusive hold, and no reader inside while a
//! writer is (P2). `PUSHLOCK_STRESS_OPS` sets the operations per thread (the release
//! run in `.ci/release-stress.sh` sets it).
#![cfg(not(pushlock_loom))]

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use lock_api::{RawRwLock, RawRwLockDowngrade, RawRwLockTimed};
use pushlock::RawPushLock;

mod support;
use support::{Watchdog, stress_ops};

const THREADS: usize = 16;
/// Operations per thread unless `PUSHLOCK_STRESS_OPS` says otherwise.
const DEFAULT_OPS_PER_THREAD: usize = if cfg!(debug_assertions) {
    20_000
} else {
    250_000
};

#[derive(Default)]
struct Shared {
    lock: RawPushLock,
    /// Written only under exclusive hold, with a non-atomic read-modify-write pattern
    /// (load, then store), so a broken lock loses updates.
    counter: AtomicU64,
    readers: AtomicUsize,
    writers: AtomicUsize,
}

impl Shared {
    fn enter_write(&self) {
        assert_eq!(
            self.writers.fetch_add(1, Ordering::SeqCst),
            0,
            "two writers"
        );
        assert_eq!(
            self.readers.load(Ordering::SeqCst),
            0,
            "reader inside with writer"
        );
        let v = self.counter.load(Ordering::Relaxed);
        // Now and then give the CPU away while holding, so that the other threads
        // really queue (spin, park, time out) instead of running one after another.
        if v.is_multiple_of(64) {
            thread::yield_now();
        }
        self.counter.store(v + 1, Ordering::Relaxed);
    }

    fn leave_write(&self) {
        self.writers.fetch_sub(1, Ordering::SeqCst);
    }

    fn enter_read(&self) {
        self.readers.fetch_add(1, Ordering::SeqCst);
        assert_eq!(
            self.writers.load(Ordering::SeqCst),
            0,
            "writer inside with reader"
        );
    }

    fn leave_read(&self) {
        self.readers.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A small xorshift, so each thread has its own reproducible mix.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn p2_stress_mixed_operations() {
    let ops = stress_ops(DEFAULT_OPS_PER_THREAD);
    let shared = Arc::new(Shared::default());
    // A hang (lost wake-up) fails the test, with the locks and every thread's stack,
    // instead of blocking CI: 60 s without any thread finishing 256 operations.
    let dog = Arc::new(Watchdog::start(60));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (shared, dog) = (shared.clone(), dog.clone());
            thread::spawn(move || {
                let mut seed = 0x9E37_79B9_7F4A_7C15 ^ (t as u64 + 1);
                let mut writes = 0u64;
                let lock = &shared.lock;
                for i in 0..ops {
                    if i % 256 == 0 {
                        dog.tick();
                    }
                    match next(&mut seed) % 16 {
                        0..=7 => {
                            let g = lock.lock_shared();
                            shared.enter_read();
                            shared.leave_read();
                            // SAFETY: held shared by `g`.
                            unsafe { lock.unlock_shared(g) };
                        }
                        8..=9 => {
                            let g = lock.lock_exclusive();
                            shared.enter_write();
                            writes += 1;
                            shared.leave_write();
                            // SAFETY: held exclusive by `g`.
                            unsafe { lock.unlock_exclusive(g) };
                        }
                        10 => {
                            if let Some(g) = lock.try_lock_exclusive() {
                                shared.enter_write();
                                writes += 1;
                                shared.leave_write();
                                // SAFETY: held exclusive.
                                unsafe { lock.unlock_exclusive(g) };
                            }
                        }
                        11 => {
                            if let Some(g) = lock.try_lock_shared() {
                                shared.enter_read();
                                shared.leave_read();
                                // SAFETY: held shared.
                                unsafe { lock.unlock_shared(g) };
                            }
                        }
                        12 => {
                            let wait = Duration::from_micros(next(&mut seed) % 50);
                            if let Some(g) = lock.try_lock_exclusive_for(wait) {
                                shared.enter_write();
                                writes += 1;
                                shared.leave_write();
                                // SAFETY: held exclusive.
                                unsafe { lock.unlock_exclusive(g) };
                            }
                        }
                        13 => {
                            let wait = Duration::from_micros(next(&mut seed) % 50);
                            if let Some(g) = lock.try_lock_shared_for(wait) {
                                shared.enter_read();
                                shared.leave_read();
                                // SAFETY: held shared.
                                unsafe { lock.unlock_shared(g) };
                            }
                        }
                        _ => {
                            let g = lock.lock_exclusive();
                            shared.enter_write();
                            writes += 1;
                            shared.leave_write();
                            // SAFETY: held exclusive by `g`.
                            let g = unsafe { lock.downgrade(g) };
                            shared.enter_read();
                            shared.leave_read();
                            // SAFETY: held shared after the downgrade.
                            unsafe { lock.unlock_shared(g) };
                        }
                    }
                }
                writes
            })
        })
        .collect();
    let writes: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(
        shared.counter.load(Ordering::SeqCst),
        writes,
        "lost updates"
    );
    assert!(!shared.lock.is_locked());
    assert!(!shared.lock.has_waiters());
}
