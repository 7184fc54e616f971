//! N uncontended acquire+release pairs of one lock and mode, for instruction counting
//! under `valgrind --tool=callgrind` (see `scripts/callgrind-pairs.sh`). Each lock/mode
//! has its own loop, so no dispatch runs inside the loop.
//!
//! `cargo run --release --example lock_pairs -- <push|push_lock_api|parking_lot|std|resource|reentrant>
//! <exclusive|shared> N` (`reentrant`: parking_lot's `ReentrantMutex`, one mode only).

use std::hint::black_box;
use std::sync::RwLock;

use pushlock::RawPushLock;

#[inline(never)]
fn push_exclusive(n: u64) {
    let lock = RawPushLock::new();
    for _ in 0..n {
        let lock = black_box(&lock);
        lock.acquire_exclusive();
        // SAFETY: held just above.
        unsafe { lock.release() };
    }
}

#[inline(never)]
fn push_shared(n: u64) {
    let lock = RawPushLock::new();
    for _ in 0..n {
        let lock = black_box(&lock);
        lock.acquire_shared();
        // SAFETY: held just above.
        unsafe { lock.release() };
    }
}

#[inline(never)]
fn raw_rwlock_exclusive<L: lock_api::RawRwLock>(n: u64) {
    let lock = L::INIT;
    for _ in 0..n {
        let lock = black_box(&lock);
        let g = lock.lock_exclusive();
        // SAFETY: held just above.
        unsafe { lock.unlock_exclusive(g) };
    }
}

#[inline(never)]
fn raw_rwlock_shared<L: lock_api::RawRwLock>(n: u64) {
    let lock = L::INIT;
    for _ in 0..n {
        let lock = black_box(&lock);
        let g = lock.lock_shared();
        // SAFETY: held just above.
        unsafe { lock.unlock_shared(g) };
    }
}

#[inline(never)]
fn std_exclusive(n: u64) {
    let lock = RwLock::new(());
    for _ in 0..n {
        drop(black_box(&lock).write().unwrap());
    }
}

#[inline(never)]
fn std_shared(n: u64) {
    let lock = RwLock::new(());
    for _ in 0..n {
        drop(black_box(&lock).read().unwrap());
    }
}

#[inline(never)]
fn resource_exclusive(n: u64) {
    let resource = pushlock::Resource::new();
    for _ in 0..n {
        drop(black_box(&resource).acquire_exclusive());
    }
}

#[inline(never)]
fn resource_shared(n: u64) {
    let resource = pushlock::Resource::new();
    for _ in 0..n {
        drop(black_box(&resource).acquire_shared());
    }
}

#[inline(never)]
fn reentrant(n: u64) {
    let mutex = parking_lot::ReentrantMutex::new(());
    for _ in 0..n {
        drop(black_box(&mutex).lock());
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: lock_pairs <push|push_lock_api|parking_lot|std|resource|reentrant> <exclusive|shared> N";
    let (lock, mode) = (args.get(1).expect(usage), args.get(2).expect(usage));
    let n: u64 = args.get(3).expect(usage).parse().expect(usage);
    match (lock.as_str(), mode.as_str()) {
        ("push", "exclusive") => push_exclusive(n),
        ("push", "shared") => push_shared(n),
        ("push_lock_api", "exclusive") => raw_rwlock_exclusive::<RawPushLock>(n),
        ("push_lock_api", "shared") => raw_rwlock_shared::<RawPushLock>(n),
        ("parking_lot", "exclusive") => raw_rwlock_exclusive::<parking_lot::RawRwLock>(n),
        ("parking_lot", "shared") => raw_rwlock_shared::<parking_lot::RawRwLock>(n),
        ("std", "exclusive") => std_exclusive(n),
        ("std", "shared") => std_shared(n),
        ("resource", "exclusive") => resource_exclusive(n),
        ("resource", "shared") => resource_shared(n),
        ("reentrant", _) => reentrant(n),
        _ => panic!("{usage}"),
    }
}
