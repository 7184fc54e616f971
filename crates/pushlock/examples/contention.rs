//! A short side-by-side under contention: operations per second of `PushLock`,
//! `std::sync::RwLock` and `parking_lot::RwLock` at 1, 2 and 8 threads, 90 % reads and
//! 10 % writes, each figure the median of 3 short runs.
//!
//! `cargo run --release --example contention [millis_per_run]`

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use pushlock::PushLock;

/// The smallest adapter the runs need.
trait Lock: Send + Sync + 'static {
    const NAME: &'static str;
    fn new() -> Self;
    fn read(&self) -> u64;
    fn write(&self);
}

impl Lock for PushLock<u64> {
    const NAME: &'static str = "pushlock::PushLock";
    fn new() -> Self {
        PushLock::new(0)
    }
    fn read(&self) -> u64 {
        *PushLock::read(self)
    }
    fn write(&self) {
        *PushLock::write(self) += 1;
    }
}

impl Lock for RwLock<u64> {
    const NAME: &'static str = "std::sync::RwLock";
    fn new() -> Self {
        RwLock::new(0)
    }
    fn read(&self) -> u64 {
        *RwLock::read(self).unwrap()
    }
    fn write(&self) {
        *RwLock::write(self).unwrap() += 1;
    }
}

impl Lock for parking_lot::RwLock<u64> {
    const NAME: &'static str = "parking_lot::RwLock";
    fn new() -> Self {
        parking_lot::RwLock::new(0)
    }
    fn read(&self) -> u64 {
        *parking_lot::RwLock::read(self)
    }
    fn write(&self) {
        *parking_lot::RwLock::write(self) += 1;
    }
}

/// The lock on its own cache line.
#[repr(align(128))]
struct Padded<L>(L);

/// Operations per second of one run.
fn run<L: Lock>(threads: usize, length: Duration) -> f64 {
    let lock = Arc::new(Padded(L::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(threads + 1));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (lock, stop, start) = (lock.clone(), stop.clone(), start.clone());
            thread::spawn(move || {
                let mut ops = 0u64;
                let mut seed = 0x2545_F491_4F6C_DD1D ^ (t as u64 + 1);
                start.wait();
                while !stop.load(Ordering::Relaxed) {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    if seed.is_multiple_of(10) {
                        lock.0.write();
                    } else {
                        std::hint::black_box(lock.0.read());
                    }
                    ops += 1;
                }
                ops
            })
        })
        .collect();
    start.wait();
    let began = Instant::now();
    thread::sleep(length);
    stop.store(true, Ordering::Relaxed);
    let ops: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    ops as f64 / began.elapsed().as_secs_f64()
}

fn median_of_3<L: Lock>(threads: usize, length: Duration) -> f64 {
    let mut runs = [0.0; 3].map(|_| run::<L>(threads, length));
    runs.sort_by(f64::total_cmp);
    runs[1]
}

fn row<L: Lock>(length: Duration) {
    print!("| {:<20} |", L::NAME);
    for threads in [1, 2, 8] {
        print!(" {:>10.2} |", median_of_3::<L>(threads, length) / 1e6);
    }
    println!();
}

fn main() {
    let millis = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let length = Duration::from_millis(millis);
    println!("90 % reads / 10 % writes, Mops/s, median of 3 runs of {millis} ms");
    println!("| lock                 |  1 thread  | 2 threads  | 8 threads  |");
    println!("|----------------------|------------|------------|------------|");
    row::<PushLock<u64>>(length);
    row::<RwLock<u64>>(length);
    row::<parking_lot::RwLock<u64>>(length);
}
