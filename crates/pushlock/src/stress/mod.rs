//! Concurrency stress mode (SPEC S1; `verifier` feature only): shakes the caller's
//! schedule at every lock call so that races between lock calls show up in tests.
//!
//! At every acquire (before it starts and after it succeeded), release, critical-region
//! leave and wait (a push lock about to queue, a resource about to wait for its grant)
//! of every lock in the crate, a thread takes a seeded decision: go on, yield, or
//! sleep a short random time (2 µs to about 2 ms). The decisions follow PCT-style
//! priorities (probabilistic concurrency testing, Burckhardt et al., ASPLOS 2010)
//! rather than independent coin flips: each thread has a priority, the highest one
//! runs on while lower ones stand back, and priorities drop at random change points,
//! which makes deep orderings (a thread overtaken twice) likely. The model is in
//! `schedule.rs`.
//!
//! # Turning it on
//!
//! - From the environment: `PUSHLOCK_STRESS=<seed>` (decimal or `0x` hex) or
//!   `PUSHLOCK_STRESS=random`, read at the first lock call. It prints one line on
//!   standard error, `pushlock: stress mode on, seed <seed> (PUSHLOCK_STRESS=<seed>
//!   reproduces)`. `off` or an empty value leaves it off; any other value prints why it
//!   was ignored and leaves it off. This is how a C program linked with a verifier
//!   build is stressed, too.
//! - From Rust: [`enable`] / [`disable`] (quiet: the caller knows its seed), or
//!   [`run_seeds`], which runs a closure once per seed and names the first seed that
//!   failed.
//!
//! The seed fixes each thread's stream of decisions (threads are numbered in the order
//! they reach their first stress point), so a failure found with a seed is likely,
//! not certain, to come back with it: the OS still schedules the threads.
//!
//! # Cost
//!
//! Without the `verifier` feature none of this exists. With it and stress mode off,
//! each hook pays one relaxed load of a global and a predictable branch.
//!
//! # Examples
//!
//! ```
//! use pushlock::PushLock;
//! use std::sync::Arc;
//!
//! // A correct program passes under every seed.
//! pushlock::stress::run_seeds(0..4, |_seed| {
//!     let counter = Arc::new(PushLock::new(0u32));
//!     let threads: Vec<_> = (0..2)
//!         .map(|_| {
//!             let counter = counter.clone();
//!             std::thread::spawn(move || *counter.write() += 1)
//!         })
//!         .collect();
//!     for thread in threads {
//!         thread.join().unwrap();
//!     }
//!     if *counter.read() == 2 { Ok(()) } else { Err("lost update") }
//! })
//! .unwrap();
//! ```

mod schedule;
mod seeds;

use std::sync::Once;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering::Relaxed};

pub(crate) use schedule::Point;
pub use seeds::{SeedOutcome, StressFailure, run_seeds};

/// The environment variable read at the first lock call.
pub const ENV_VAR: &str = "PUSHLOCK_STRESS";

const UNREAD: u8 = 0;
const OFF: u8 = 1;
const ON: u8 = 2;

/// `UNREAD` until the environment was read, then `OFF` or `ON`. Relaxed: a thread
/// that sees a stale value takes or skips one perturbation; the seed it needs is
/// published by the generation in `schedule` (Relaxed too, advisory).
static STATE: AtomicU8 = AtomicU8::new(UNREAD);
static CURRENT_SEED: AtomicU64 = AtomicU64::new(0);
static ENV_READ: Once = Once::new();

/// A stress point, called from the verifier hooks and the waits. Off: one load and
/// a branch.
#[inline(always)]
pub(crate) fn point(point: Point) {
    if STATE.load(Relaxed) != OFF {
        perturb(point);
    }
}

#[cold]
#[inline(never)]
fn perturb(point: Point) {
    read_env();
    if STATE.load(Relaxed) == ON {
        schedule::perturb(point);
    }
}

/// Reads `PUSHLOCK_STRESS` once per process (before [`enable`] overrides it).
fn read_env() {
    ENV_READ.call_once(|| {
        let value = std::env::var(ENV_VAR);
        match value.as_deref().map(parse_env) {
            Ok(Ok(Some(seed))) => {
                eprintln!("pushlock: stress mode on, seed {seed} ({ENV_VAR}={seed} reproduces)");
                start(seed);
            }
            Ok(Ok(None)) | Err(std::env::VarError::NotPresent) => {
                let _ = STATE.compare_exchange(UNREAD, OFF, Relaxed, Relaxed);
            }
            Ok(Err(why)) => {
                eprintln!("pushlock: {why}; stress mode stays off");
                let _ = STATE.compare_exchange(UNREAD, OFF, Relaxed, Relaxed);
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                eprintln!("pushlock: {ENV_VAR} is not UTF-8; stress mode stays off");
                let _ = STATE.compare_exchange(UNREAD, OFF, Relaxed, Relaxed);
            }
        }
    });
}

/// `Ok(Some(seed))`, `Ok(None)` for off, or why the value is not understood.
fn parse_env(value: &str) -> Result<Option<u64>, String> {
    let value = value.trim();
    if value.is_empty() || value.eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    if value.eq_ignore_ascii_case("random") {
        return Ok(Some(random_seed()));
    }
    let parsed = match value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
    {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => value.parse(),
    };
    parsed
        .map(Some)
        .map_err(|_| format!("{ENV_VAR}={value:?} is neither a seed (a u64) nor `random`"))
}

/// A seed from the process's random hasher keys and the clock.
fn random_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    hasher.write_u128(now);
    hasher.finish()
}

fn start(seed: u64) {
    schedule::reset(seed);
    CURRENT_SEED.store(seed, Relaxed);
    STATE.store(ON, Relaxed);
}

/// Turns stress mode on with `seed` for every thread of the process, from the next
/// lock call on. Each thread starts a fresh stream of decisions, numbered again from
/// the first thread to reach a lock call. Unlike `PUSHLOCK_STRESS`, prints nothing.
///
/// Stress mode is process-wide: tests that enable it should not run beside tests that
/// time things; [`run_seeds`] serializes its callers.
///
/// # Examples
///
/// ```
/// pushlock::stress::enable(42);
/// assert_eq!(pushlock::stress::seed(), Some(42));
/// pushlock::stress::disable();
/// assert_eq!(pushlock::stress::seed(), None);
/// ```
pub fn enable(seed: u64) {
    read_env();
    start(seed);
}

/// Turns stress mode off (also when `PUSHLOCK_STRESS` turned it on).
///
/// # Examples
///
/// ```
/// pushlock::stress::disable();
/// assert!(pushlock::stress::seed().is_none());
/// ```
pub fn disable() {
    read_env();
    STATE.store(OFF, Relaxed);
}

/// The seed stress mode runs under, or `None` when it is off. Reads
/// `PUSHLOCK_STRESS` first if no lock call did yet.
///
/// # Examples
///
/// ```
/// if let Some(seed) = pushlock::stress::seed() {
///     eprintln!("this run is stressed with seed {seed}");
/// }
/// ```
pub fn seed() -> Option<u64> {
    read_env();
    (STATE.load(Relaxed) == ON).then(|| CURRENT_SEED.load(Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s1_env_values_parse() {
        assert_eq!(parse_env("17"), Ok(Some(17)));
        assert_eq!(parse_env(" 0x1F "), Ok(Some(31)));
        assert_eq!(parse_env("off"), Ok(None));
        assert_eq!(parse_env(""), Ok(None));
        assert!(parse_env("random").unwrap().is_some());
        let why = parse_env("sometimes").unwrap_err();
        assert!(
            why.contains("PUSHLOCK_STRESS") && why.contains("random"),
            "{why}"
        );
    }
}
