//! The per-thread schedule of stress mode: a SplitMix64 stream per thread and
//! PCT-style priorities (Burckhardt et al., ASPLOS 2010).
//!
//! # The model
//!
//! PCT runs the highest-priority runnable thread and, at a few random steps, drops the
//! running thread's priority below every other. We cannot pick who runs on a real
//! preemptive scheduler, so priorities turn into *delays* at each stress point:
//!
//! 1. A thread's first stress point of an enable *generation* registers it: it takes
//!    the next thread index `i`, seeds its stream with `mix(seed, i)`, and draws an
//!    initial priority in `[INITIAL_BASE, 2 * INITIAL_BASE)`, published in a slot of
//!    [`PRIORITIES`].
//!    A thread whose initial priority is in the lower three quarters sleeps at that
//!    first point (64 µs to ~2 ms), standing back for threads that have not started
//!    yet, unless another thread already stands back.
//! 2. At every point the thread counts the unblocked registered threads with a higher
//!    priority (its *rank*). Rank 0 (the "running" thread of PCT) nearly always goes
//!    on; a lower thread sleeps (2 µs to ~1 ms, log-uniform), yields, or goes on,
//!    drawn from its stream.
//! 3. Every thread draws a countdown of points (uniform in `1..=2 * CHANGE_MEAN`);
//!    when it reaches zero the thread's priority drops below every priority given so
//!    far (a PCT change point), it sleeps at that point whatever its rank (it gives
//!    way, also to threads that have not reached a point yet), and a new countdown
//!    starts.
//! 4. A sleeping thread's slot is marked `BLOCKED` while it sleeps, and a wait point
//!    (about to block on a lock) marks it until the thread's next point, so threads
//!    do not stand back for a thread that is not running.
//!
//! Invariants:
//! - **S-1** Each thread's decisions are a function of `(seed, thread index, its own
//!   point count)` and of the ranks it observes; with the same seed and the same
//!   order of first stress points the streams are the same.
//! - **S-2** Every delay is bounded (at most ~1 ms per point), so stress mode never
//!   turns a correct program into a hang.
//! - **S-3** Nothing here takes a lock or allocates: points are reached from inside
//!   the locks' own hooks, from panicking threads and from thread-local destructors.
//!
//! Orderings: the globals are Relaxed. They are advisory scheduling hints, read to
//! decide how long to sleep; no other memory is published through them.

use std::cell::Cell;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

/// Where in a lock call a stress point sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Point {
    /// Before an acquire starts.
    Acquire,
    /// Right after an acquire succeeded.
    Acquired,
    /// Before a release.
    Release,
    /// Leaving a critical region.
    LeaveCriticalRegion,
    /// About to block: a push lock queueing, a resource waiting for its grant.
    Wait,
}

/// Registered threads beyond this many share slots (their ranks get coarser).
const SLOTS: usize = 64;
/// A slot's value: the priority, or 0 when empty; `BLOCKED` while at a wait point.
const BLOCKED: u32 = 1 << 31;
/// Initial priorities are in `[INITIAL_BASE, 2 * INITIAL_BASE)`; change points count
/// down from `INITIAL_BASE - 1`, so a changed thread is below every initial one.
const INITIAL_BASE: u32 = 1 << 24;
/// Mean number of a thread's points between two of its priority changes.
const CHANGE_MEAN: u64 = 12;

static PRIORITIES: [AtomicU32; SLOTS] = [const { AtomicU32::new(0) }; SLOTS];
static NEXT_INDEX: AtomicU64 = AtomicU64::new(0);
static LOWEST: AtomicU32 = AtomicU32::new(INITIAL_BASE - 1);

/// The enable generation and seed the schedule runs under; written by `reset`.
static GENERATION: AtomicU64 = AtomicU64::new(0);
static SEED: AtomicU64 = AtomicU64::new(0);

/// SplitMix64 (Steele, Lea, Flood 2014): one add and a mix per draw.
#[derive(Clone, Copy)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }

    /// Uniform in `0..n` (n > 0; the modulo bias is irrelevant here).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One thread's part of the schedule.
struct ThreadSchedule {
    /// The generation the fields below belong to; 0: not registered.
    generation: Cell<u64>,
    rng: Cell<u64>,
    slot: Cell<usize>,
    priority: Cell<u32>,
    countdown: Cell<u64>,
}

impl Drop for ThreadSchedule {
    fn drop(&mut self) {
        // The thread is gone: it no longer outranks anybody.
        if self.generation.get() == GENERATION.load(Relaxed) && self.generation.get() != 0 {
            PRIORITIES[self.slot.get()].store(0, Relaxed);
        }
    }
}

thread_local! {
    static SCHEDULE: ThreadSchedule = const {
        ThreadSchedule {
            generation: Cell::new(0),
            rng: Cell::new(0),
            slot: Cell::new(0),
            priority: Cell::new(0),
            countdown: Cell::new(0),
        }
    };
}

/// Starts a new generation under `seed`: every thread re-registers at its next point.
pub(super) fn reset(seed: u64) {
    for slot in &PRIORITIES {
        slot.store(0, Relaxed);
    }
    NEXT_INDEX.store(0, Relaxed);
    LOWEST.store(INITIAL_BASE - 1, Relaxed);
    SEED.store(seed, Relaxed);
    GENERATION.fetch_add(1, Relaxed);
}

/// What a point decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Decision {
    Continue,
    Yield,
    Sleep(Duration),
}

/// Takes the calling thread's decision at `point` and carries it out.
pub(super) fn perturb(point: Point) {
    // A thread tearing down its thread-locals has no schedule left: it goes on.
    let decision = SCHEDULE.try_with(|schedule| schedule.decide(point));
    match decision {
        Ok(Decision::Sleep(duration)) => {
            std::thread::sleep(duration);
            let _ = SCHEDULE.try_with(ThreadSchedule::resume);
        }
        Ok(Decision::Yield) => std::thread::yield_now(),
        Ok(Decision::Continue) | Err(_) => {}
    }
}

impl ThreadSchedule {
    fn decide(&self, point: Point) -> Decision {
        let generation = GENERATION.load(Relaxed);
        let mut rng;
        if self.generation.get() != generation {
            self.register(generation);
            rng = SplitMix64(self.rng.get());
            // Step 1: a thread cannot see the threads that start after it, so the
            // lower three quarters of the initial priorities start late, as if a
            // thread not yet started ran first; unless some thread already stands
            // back (then the thread it stands back for is probably this one).
            let someone_stands_back = PRIORITIES
                .iter()
                .any(|other| other.load(Relaxed) & BLOCKED != 0);
            if !someone_stands_back && self.priority.get() < INITIAL_BASE + INITIAL_BASE / 4 * 3 {
                let base = 1u64 << (6 + rng.below(5));
                let micros = base + rng.below(base);
                self.rng.set(rng.0);
                self.stand_back();
                return Decision::Sleep(Duration::from_micros(micros));
            }
        } else {
            rng = SplitMix64(self.rng.get());
        }
        let slot = &PRIORITIES[self.slot.get()];
        // S-1 step 3: a PCT change point.
        let countdown = self.countdown.get() - 1;
        let changed = countdown == 0;
        if changed {
            let lower = LOWEST.fetch_sub(1, Relaxed).max(1);
            self.priority.set(lower);
            self.countdown.set(1 + rng.below(2 * CHANGE_MEAN));
        } else {
            self.countdown.set(countdown);
        }
        let priority = self.priority.get();
        slot.store(
            if point == Point::Wait {
                priority | BLOCKED
            } else {
                priority
            },
            Relaxed,
        );
        let rank = PRIORITIES
            .iter()
            .map(|other| other.load(Relaxed))
            .filter(|&other| other & BLOCKED == 0 && other > priority)
            .count();
        let roll = rng.below(16);
        let decision = if changed || (rank > 0 && roll < 9) {
            // A thread whose priority just dropped gives way at once (to threads
            // that may not have reached a point yet, too).
            // 2^1 .. 2^10 µs, log-uniform, plus up to the same again.
            let base = 1u64 << (1 + rng.below(10));
            Decision::Sleep(Duration::from_micros(base + rng.below(base)))
        } else if rank == 0 {
            // The "running" thread: on, with a rare yield.
            if roll == 0 {
                Decision::Yield
            } else {
                Decision::Continue
            }
        } else if roll < 13 {
            Decision::Yield
        } else {
            Decision::Continue
        };
        self.rng.set(rng.0);
        if matches!(decision, Decision::Sleep(_)) {
            self.stand_back();
        }
        decision
    }

    /// Marks the slot as not running (asleep or blocked) until `resume`.
    fn stand_back(&self) {
        PRIORITIES[self.slot.get()].store(self.priority.get() | BLOCKED, Relaxed);
    }

    /// Marks the slot as running again after a sleep.
    fn resume(&self) {
        PRIORITIES[self.slot.get()].store(self.priority.get(), Relaxed);
    }

    fn register(&self, generation: u64) {
        let index = NEXT_INDEX.fetch_add(1, Relaxed);
        let mut rng = SplitMix64(mix(SEED.load(Relaxed) ^ mix(index.wrapping_add(1))));
        let priority = INITIAL_BASE + rng.below(u64::from(INITIAL_BASE)) as u32;
        let slot = (index % SLOTS as u64) as usize;
        self.generation.set(generation);
        self.slot.set(slot);
        self.priority.set(priority);
        self.countdown.set(1 + rng.below(2 * CHANGE_MEAN));
        self.rng.set(rng.0);
        PRIORITIES[slot].store(priority, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_streams_differ_per_thread_index_and_repeat_per_seed() {
        let stream = |seed: u64, index: u64| {
            let mut rng = SplitMix64(mix(seed ^ mix(index + 1)));
            (0..8).map(|_| rng.next()).collect::<Vec<_>>()
        };
        assert_eq!(stream(7, 0), stream(7, 0));
        assert_ne!(stream(7, 0), stream(7, 1));
        assert_ne!(stream(7, 0), stream(8, 0));
    }

    #[test]
    fn below_stays_in_range() {
        let mut rng = SplitMix64(1);
        assert!((0..1000).all(|_| rng.below(10) < 10));
    }
}
