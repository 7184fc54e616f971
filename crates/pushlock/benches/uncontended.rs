//! Uncontended acquire+release pairs, exclusive and shared: `RawPushLock` beside
//! `parking_lot::RawRwLock` and `std::sync::RwLock`.
//!
//! `cargo bench -p pushlock --bench uncontended`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use lock_api::RawRwLock as _;

fn exclusive(c: &mut Criterion) {
    let mut group = c.benchmark_group("exclusive_pair");
    let push = pushlock::RawPushLock::new();
    group.bench_function("RawPushLock", |b| {
        b.iter(|| {
            let lock = black_box(&push);
            lock.acquire_exclusive();
            // SAFETY: held exclusive just above.
            unsafe { lock.release() };
        })
    });
    let pl: parking_lot::RawRwLock = lock_api::RawRwLock::INIT;
    group.bench_function("parking_lot", |b| {
        b.iter(|| {
            let lock = black_box(&pl);
            let guard = lock.lock_exclusive();
            // SAFETY: held exclusive just above.
            unsafe { lock.unlock_exclusive(guard) };
        })
    });
    let std_lock = std::sync::RwLock::new(());
    group.bench_function("std", |b| {
        b.iter(|| drop(black_box(&std_lock).write().unwrap()))
    });
    group.finish();
}

fn shared(c: &mut Criterion) {
    let mut group = c.benchmark_group("shared_pair");
    let push = pushlock::RawPushLock::new();
    group.bench_function("RawPushLock", |b| {
        b.iter(|| {
            let lock = black_box(&push);
            lock.acquire_shared();
            // SAFETY: held shared just above.
            unsafe { lock.release() };
        })
    });
    let pl: parking_lot::RawRwLock = lock_api::RawRwLock::INIT;
    group.bench_function("parking_lot", |b| {
        b.iter(|| {
            let lock = black_box(&pl);
            let guard = lock.lock_shared();
            // SAFETY: held shared just above.
            unsafe { lock.unlock_shared(guard) };
        })
    });
    let std_lock = std::sync::RwLock::new(());
    group.bench_function("std", |b| {
        b.iter(|| drop(black_box(&std_lock).read().unwrap()))
    });
    group.finish();
}

criterion_group!(benches, exclusive, shared);
criterion_main!(benches);
