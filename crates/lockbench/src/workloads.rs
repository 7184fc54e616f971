//! The workloads and the harness that runs one measurement: threads start on a
//! barrier, run until a flag drops, and count their own operations. The lock under
//! test and the stop flag each sit alone on their cache line ([`CachePadded`]), so no
//! two of them (nor a lock and the harness's flag) share a line.

use crate::adapters::{BenchLock, Data};
use crossbeam_utils::CachePadded;
use hdrhistogram::Histogram;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// What the threads do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workload {
    /// One thread, shared acquire+release pairs (reported as ns per pair).
    LatencyShared,
    /// One thread, exclusive acquire+release pairs (reported as ns per pair).
    LatencyExclusive,
    /// Every thread: reads with probability `reads_per_mille`/1000, else writes;
    /// `short` adds about 100 ns of work on the data inside each hold.
    Mix {
        /// Reads per thousand operations.
        reads_per_mille: u32,
        /// A short critical section instead of an empty one.
        short: bool,
    },
    /// One writer measures each acquire's wait while the other threads read.
    ReadStorm,
}

/// A workload's command-line name (`--workload`, listed in `--help`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum WorkloadName {
    /// One thread, shared acquire+release pairs (ns per pair).
    LatencyShared,
    /// One thread, exclusive acquire+release pairs (ns per pair).
    LatencyExclusive,
    /// Every thread reads; empty hold.
    ReadOnly,
    /// Every thread reads; about 100 ns of work in the hold.
    ReadOnlyCs,
    /// 99 % reads, 1 % writes; empty hold.
    #[value(name = "99-1")]
    Mix99To1,
    /// 99 % reads, 1 % writes; about 100 ns of work in the hold.
    #[value(name = "99-1-cs")]
    Mix99To1Cs,
    /// 90 % reads, 10 % writes; empty hold.
    #[value(name = "90-10")]
    Mix90To10,
    /// 90 % reads, 10 % writes; about 100 ns of work in the hold.
    #[value(name = "90-10-cs")]
    Mix90To10Cs,
    /// Every thread writes; empty hold.
    WriteOnly,
    /// Every thread writes; about 100 ns of work in the hold.
    WriteOnlyCs,
    /// threads-1 readers and one writer whose every wait is recorded.
    ReadStorm,
}

impl WorkloadName {
    /// The name as the command line, the tables and report.json spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadName::LatencyShared => "latency-shared",
            WorkloadName::LatencyExclusive => "latency-exclusive",
            WorkloadName::ReadOnly => "read-only",
            WorkloadName::ReadOnlyCs => "read-only-cs",
            WorkloadName::Mix99To1 => "99-1",
            WorkloadName::Mix99To1Cs => "99-1-cs",
            WorkloadName::Mix90To10 => "90-10",
            WorkloadName::Mix90To10Cs => "90-10-cs",
            WorkloadName::WriteOnly => "write-only",
            WorkloadName::WriteOnlyCs => "write-only-cs",
            WorkloadName::ReadStorm => "read-storm",
        }
    }

    /// What the workload's threads do.
    pub fn workload(self) -> Workload {
        let mix = |reads_per_mille, short| Workload::Mix {
            reads_per_mille,
            short,
        };
        match self {
            WorkloadName::LatencyShared => Workload::LatencyShared,
            WorkloadName::LatencyExclusive => Workload::LatencyExclusive,
            WorkloadName::ReadOnly => mix(1000, false),
            WorkloadName::ReadOnlyCs => mix(1000, true),
            WorkloadName::Mix99To1 => mix(990, false),
            WorkloadName::Mix99To1Cs => mix(990, true),
            WorkloadName::Mix90To10 => mix(900, false),
            WorkloadName::Mix90To10Cs => mix(900, true),
            WorkloadName::WriteOnly => mix(0, false),
            WorkloadName::WriteOnlyCs => mix(0, true),
            WorkloadName::ReadStorm => Workload::ReadStorm,
        }
    }
}

impl Workload {
    /// Whether the workload runs on one thread whatever `--threads` says.
    pub fn single_threaded(self) -> bool {
        matches!(self, Workload::LatencyShared | Workload::LatencyExclusive)
    }
}

/// One measurement of one lock.
#[derive(Clone, Debug, Default)]
pub struct Sample {
    /// Operations (acquire+release pairs) per second, all threads together
    /// (the readers only, for the read storm).
    pub ops_per_sec: f64,
    /// Operations per thread (the readers only, for the read storm).
    pub per_thread: Vec<u64>,
    /// The writer's waits in ns (read storm only).
    pub writer_waits: Option<Histogram<u64>>,
}

/// The longest writer wait the histogram resolves (60 s); a longer one is recorded as 60 s.
const LONGEST_WAIT_NS: u64 = 60_000_000_000;

/// An empty histogram of writer waits: 1 ns to 60 s at three significant digits
/// (0.1 % resolution at every magnitude), allocated before the run starts.
pub fn new_wait_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, LONGEST_WAIT_NS, 3).expect("valid histogram bounds")
}

/// About 100 ns of work on the protected data: a fixed read pass over the array.
fn short_read(data: &Data) -> u64 {
    let mut sum = 0u64;
    for _ in 0..6 {
        for value in data.iter() {
            sum = sum.wrapping_mul(31).wrapping_add(black_box(*value));
        }
    }
    sum
}

/// About 100 ns of work on the protected data: a fixed update pass over the array.
fn short_write(data: &mut Data) {
    for round in 0..6u64 {
        for value in data.iter_mut() {
            *value = black_box(value.wrapping_mul(31).wrapping_add(round));
        }
    }
}

/// A per-thread xorshift generator (cheap, no shared state).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Runs `workload` on a fresh `L` with `threads` threads for `duration`.
pub fn measure<L: BenchLock>(workload: Workload, threads: usize, duration: Duration) -> Sample {
    match workload {
        Workload::LatencyShared => latency::<L>(false, duration),
        Workload::LatencyExclusive => latency::<L>(true, duration),
        Workload::Mix {
            reads_per_mille,
            short,
        } => mix::<L>(reads_per_mille, short, threads, duration),
        Workload::ReadStorm => read_storm::<L>(threads.max(2), duration),
    }
}

fn latency<L: BenchLock>(exclusive: bool, duration: Duration) -> Sample {
    let lock = CachePadded::new(L::new([1; 16]));
    let start = Instant::now();
    let mut ops = 0u64;
    while start.elapsed() < duration {
        for _ in 0..1024 {
            if exclusive {
                lock.write(|d| {
                    black_box(d);
                });
            } else {
                lock.read(|d| {
                    black_box(d);
                });
            }
        }
        ops += 1024;
    }
    Sample {
        ops_per_sec: ops as f64 / start.elapsed().as_secs_f64(),
        per_thread: vec![ops],
        writer_waits: None,
    }
}

fn mix<L: BenchLock>(
    reads_per_mille: u32,
    short: bool,
    threads: usize,
    duration: Duration,
) -> Sample {
    let lock = Arc::new(CachePadded::new(L::new([1; 16])));
    let stop = Arc::new(CachePadded::new(AtomicBool::new(false)));
    let barrier = Arc::new(Barrier::new(threads + 1));
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (lock, stop, barrier) = (lock.clone(), stop.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut rng = XorShift(0x9E37_79B9_7F4A_7C15 ^ (t as u64 + 1));
                let mut ops = 0u64;
                barrier.wait();
                while !stop.load(Ordering::Relaxed) {
                    if (rng.next() % 1000) < u64::from(reads_per_mille) {
                        lock.read(|d| {
                            if short {
                                black_box(short_read(d));
                            } else {
                                black_box(d);
                            }
                        });
                    } else {
                        lock.write(|d| {
                            if short {
                                short_write(d)
                            } else {
                                d[0] = d[0].wrapping_add(1)
                            }
                        });
                    }
                    ops += 1;
                }
                ops
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    std::thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    let per_thread: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let elapsed = start.elapsed().as_secs_f64();
    Sample {
        ops_per_sec: per_thread.iter().sum::<u64>() as f64 / elapsed,
        per_thread,
        writer_waits: None,
    }
}

fn read_storm<L: BenchLock>(threads: usize, duration: Duration) -> Sample {
    let lock = Arc::new(CachePadded::new(L::new([1; 16])));
    let stop = Arc::new(CachePadded::new(AtomicBool::new(false)));
    let barrier = Arc::new(Barrier::new(threads + 1));
    let readers: Vec<_> = (0..threads - 1)
        .map(|_| {
            let (lock, stop, barrier) = (lock.clone(), stop.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut ops = 0u64;
                barrier.wait();
                while !stop.load(Ordering::Relaxed) {
                    lock.read(|d| black_box(short_read(d)));
                    ops += 1;
                }
                ops
            })
        })
        .collect();
    let writer = {
        let (lock, stop, barrier) = (lock.clone(), stop.clone(), barrier.clone());
        std::thread::spawn(move || {
            let mut waits = new_wait_histogram();
            barrier.wait();
            while !stop.load(Ordering::Relaxed) {
                let asked = Instant::now();
                // Inside the hold only the clock is read (the moment of entry); the wait
                // is recorded after the release, so the histogram's work never lengthens
                // the hold the readers queue behind.
                let entered = lock.write(|d| {
                    d[0] = d[0].wrapping_add(1);
                    Instant::now()
                });
                let wait = entered.duration_since(asked).as_nanos();
                waits.saturating_record(u64::try_from(wait).unwrap_or(LONGEST_WAIT_NS));
                // Let the readers pile back in before the next write.
                let pause = Instant::now();
                while pause.elapsed() < Duration::from_micros(20) {
                    std::hint::spin_loop();
                }
            }
            waits
        })
    };
    barrier.wait();
    let start = Instant::now();
    std::thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    let per_thread: Vec<u64> = readers.into_iter().map(|h| h.join().unwrap()).collect();
    let elapsed = start.elapsed().as_secs_f64();
    Sample {
        ops_per_sec: per_thread.iter().sum::<u64>() as f64 / elapsed,
        per_thread,
        writer_waits: Some(writer.join().unwrap()),
    }
}

#[cfg(test)]
mod tests {
    use super::WorkloadName;
    use clap::ValueEnum;

    #[test]
    fn workload_names_match_the_command_line() {
        for name in WorkloadName::value_variants() {
            let value = name.to_possible_value().unwrap();
            assert_eq!(value.get_name(), name.as_str());
            assert_eq!(
                WorkloadName::from_str(&name.as_str().to_uppercase(), true),
                Ok(*name)
            );
        }
    }
}
