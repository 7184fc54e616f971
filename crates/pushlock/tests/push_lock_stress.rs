//! Stress: 16 threads mixing shared, exclusive, try, timed and downgrade on one push
//! lock; a counter checked for lost updates and a reader count checked for overlap.
#![cfg(not(loom))]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use lock_api::{RawRwLock, RawRwLockDowngrade, RawRwLockTimed};
use pushlock::RawPushLock;

const THREADS: usize = 16;
const OPS: usize = if cfg!(debug_assertions) {
    40_000
} else {
    300_000
};

struct State {
    lock: RawPushLock,
    /// Written only under exclusive; plain load/store pairs would lose updates if two
    /// writers overlapped.
    counter: AtomicUsize,
    /// Readers inside (+1 each) or -1_000_000 while a writer is inside.
    inside: AtomicIsize,
}

fn enter_writer(s: &State) {
    assert_eq!(
        s.inside.swap(-1_000_000, Ordering::SeqCst),
        0,
        "writer overlap"
    );
    let v = s.counter.load(Ordering::Relaxed);
    s.counter.store(v + 1, Ordering::Relaxed);
}

fn leave_writer(s: &State) {
    assert_eq!(s.inside.swap(0, Ordering::SeqCst), -1_000_000);
}

fn reader(s: &State) {
    assert!(
        s.inside.fetch_add(1, Ordering::SeqCst) >= 0,
        "reader overlaps writer"
    );
    s.inside.fetch_sub(1, Ordering::SeqCst);
}

#[test]
fn p2_stress_mixed_modes_no_lost_update_no_overlap() {
    let done = Arc::new(AtomicBool::new(false));
    {
        // Watchdog: abort instead of hanging forever.
        let done = done.clone();
        thread::spawn(move || {
            for _ in 0..1200 {
                if done.load(Ordering::SeqCst) {
                    return;
                }
                thread::sleep(Duration::from_millis(100));
            }
            eprintln!("stress test hung");
            std::process::abort();
        });
    }
    let s = Arc::new(State {
        lock: RawPushLock::new(),
        counter: AtomicUsize::new(0),
        inside: AtomicIsize::new(0),
    });
    let writes = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let (s, writes) = (s.clone(), writes.clone());
            thread::spawn(move || {
                let mut seed = (t as u32).wrapping_mul(2_654_435_761) | 1;
                for _ in 0..OPS {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    match seed % 10 {
                        0 => {
                            let g = s.lock.lock_exclusive();
                            enter_writer(&s);
                            leave_writer(&s);
                            writes.fetch_add(1, Ordering::Relaxed);
                            // SAFETY: held exclusive.
                            unsafe { s.lock.unlock_exclusive(g) };
                        }
                        1 => {
                            if s.lock.try_acquire_exclusive() {
                                enter_writer(&s);
                                leave_writer(&s);
                                writes.fetch_add(1, Ordering::Relaxed);
                                // SAFETY: held exclusive.
                                unsafe { s.lock.release() };
                            }
                        }
                        2 => {
                            if let Some(g) =
                                s.lock.try_lock_exclusive_for(Duration::from_micros(50))
                            {
                                enter_writer(&s);
                                leave_writer(&s);
                                writes.fetch_add(1, Ordering::Relaxed);
                                // SAFETY: held exclusive.
                                unsafe { s.lock.unlock_exclusive(g) };
                            }
                        }
                        3 => {
                            let g = s.lock.lock_exclusive();
                            enter_writer(&s);
                            leave_writer(&s);
                            writes.fetch_add(1, Ordering::Relaxed);
                            // SAFETY: held exclusive.
                            let g = unsafe { RawRwLockDowngrade::downgrade(&s.lock, g) };
                            reader(&s);
                            // SAFETY: held shared.
                            unsafe { s.lock.unlock_shared(g) };
                        }
                        4 => {
                            if let Some(g) = s.lock.try_lock_shared_for(Duration::from_micros(50)) {
                                reader(&s);
                                // SAFETY: held shared.
                                unsafe { s.lock.unlock_shared(g) };
                            }
                        }
                        5 => {
                            if s.lock.try_acquire_shared() {
                                reader(&s);
                                // SAFETY: held shared.
                                unsafe { s.lock.release() };
                            }
                        }
                        _ => {
                            s.lock.acquire_shared();
                            reader(&s);
                            // SAFETY: held shared.
                            unsafe { s.lock.release() };
                        }
                    }
                }
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
    done.store(true, Ordering::SeqCst);
    assert_eq!(
        s.counter.load(Ordering::Relaxed),
        writes.load(Ordering::Relaxed)
    );
    assert!(!s.lock.is_locked());
}
