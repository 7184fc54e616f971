//! Runs N uncontended `RawPushLock` acquire + release pairs (exclusive),
//! for `scripts/callgrind-verifier.sh`, which counts instructions with and without the
//! `verifier` feature.
//!
//! Usage: `uncontended_pair N`

use std::hint::black_box;

use pushlock::RawPushLock;

static LOCK: RawPushLock = RawPushLock::new();

#[inline(never)]
fn pairs(n: u64) {
    let lock = black_box(&LOCK);
    for _ in 0..n {
        lock.acquire_exclusive();
        // SAFETY: held exclusive just above, by this thread.
        unsafe { lock.release() };
    }
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(100_000);
    pairs(n);
    println!("{n} pairs, locked at the end: {}", LOCK.is_locked());
}
