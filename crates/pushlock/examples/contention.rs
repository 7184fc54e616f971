//! Side by side under contention: ops/s of `PushLock`, `std::sync::RwLock` and
//! `parking_lot::RwLock` at 1, 2 and 8 threads, 90% reads / 10% writes, the median of
//! three short runs each.
//!
//! `cargo run --release -p pushlock --example contention`

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

const RUN: Duration = Duration::from_millis(200);

trait Lock: Send + Sync + 'static {
    fn read(&self) -> u64;
    fn write(&self);
}

impl Lock for pushlock::PushLock<u64> {
    fn read(&self) -> u64 {
        *self.read()
    }
    fn write(&self) {
        *self.write() += 1;
    }
}

impl Lock for std::sync::RwLock<u64> {
    fn read(&self) -> u64 {
        *self.read().unwrap()
    }
    fn write(&self) {
        *self.write().unwrap() += 1;
    }
}

impl Lock for parking_lot::RwLock<u64> {
    fn read(&self) -> u64 {
        *self.read()
    }
    fn write(&self) {
        *self.write() += 1;
    }
}

/// Operations per second of one run of `threads` threads.
fn run_once<L: Lock>(lock: Arc<L>, threads: usize) -> f64 {
    let stop = Arc::new(AtomicBool::new(false));
    let ops = Arc::new(AtomicU64::new(0));
    let start = Arc::new(Barrier::new(threads + 1));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (lock, stop, ops, start) = (lock.clone(), stop.clone(), ops.clone(), start.clone());
            thread::spawn(move || {
                let mut seed = (t as u32).wrapping_mul(2_654_435_761) | 1;
                let mut n = 0u64;
                start.wait();
                while !stop.load(Ordering::Relaxed) {
                    for _ in 0..64 {
                        seed ^= seed << 13;
                        seed ^= seed >> 17;
                        seed ^= seed << 5;
                        if seed.is_multiple_of(10) {
                            lock.write();
                        } else {
                            black_box(lock.read());
                        }
                    }
                    n += 64;
                }
                ops.fetch_add(n, Ordering::Relaxed);
            })
        })
        .collect();
    start.wait();
    let began = Instant::now();
    thread::sleep(RUN);
    stop.store(true, Ordering::Relaxed);
    handles.into_iter().for_each(|h| h.join().unwrap());
    ops.load(Ordering::Relaxed) as f64 / began.elapsed().as_secs_f64()
}

fn median_of_3<L: Lock>(make: impl Fn() -> L, threads: usize) -> f64 {
    let mut runs: Vec<f64> = (0..3)
        .map(|_| run_once(Arc::new(make()), threads))
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[1]
}

fn main() {
    println!("90% read / 10% write, ops/s (median of 3 runs of {RUN:?})");
    println!(
        "{:>8} {:>14} {:>14} {:>14}",
        "threads", "PushLock", "std RwLock", "parking_lot"
    );
    for threads in [1, 2, 8] {
        let push = median_of_3(|| pushlock::PushLock::new(0u64), threads);
        let std = median_of_3(|| std::sync::RwLock::new(0u64), threads);
        let pl = median_of_3(|| parking_lot::RwLock::new(0u64), threads);
        println!("{threads:>8} {push:>14.0} {std:>14.0} {pl:>14.0}");
    }
}
