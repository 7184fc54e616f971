//! Uncontended acquire+release pairs, exclusive and shared: `RawPushLock` against
//! `parking_lot::RawRwLock` and `std::sync::RwLock`, side by side.
//!
//! Smoke: `cargo bench -p pushlock --bench uncontended -- --test`.
//! Real run: `cargo bench -p pushlock --bench uncontended -- --measurement-time 2`.

use std::hint::black_box;
use std::sync::RwLock;

use criterion::{Criterion, criterion_group, criterion_main};
use lock_api::RawRwLock as _;
use pushlock::RawPushLock;

fn exclusive(c: &mut Criterion) {
    let mut group = c.benchmark_group("exclusive_pair");
    let push = RawPushLock::new();
    group.bench_function("RawPushLock", |b| {
        b.iter(|| {
            let lock = black_box(&push);
            lock.acquire_exclusive();
            // SAFETY: held exclusive just above.
            unsafe { lock.release() };
        })
    });
    group.bench_function("RawPushLock via lock_api", |b| {
        b.iter(|| {
            let lock = black_box(&push);
            let guard = lock.lock_exclusive();
            // SAFETY: held exclusive just above.
            unsafe { lock.unlock_exclusive(guard) };
        })
    });
    let pl = <parking_lot::RawRwLock as lock_api::RawRwLock>::INIT;
    group.bench_function("parking_lot::RawRwLock", |b| {
        b.iter(|| {
            let lock = black_box(&pl);
            let guard = lock.lock_exclusive();
            // SAFETY: held exclusive just above.
            unsafe { lock.unlock_exclusive(guard) };
        })
    });
    let std_lock = RwLock::new(());
    group.bench_function("std::sync::RwLock", |b| {
        b.iter(|| drop(black_box(&std_lock).write().unwrap()))
    });
    group.finish();
}

fn shared(c: &mut Criterion) {
    let mut group = c.benchmark_group("shared_pair");
    let push = RawPushLock::new();
    group.bench_function("RawPushLock", |b| {
        b.iter(|| {
            let lock = black_box(&push);
            lock.acquire_shared();
            // SAFETY: held shared just above.
            unsafe { lock.release() };
        })
    });
    group.bench_function("RawPushLock via lock_api", |b| {
        b.iter(|| {
            let lock = black_box(&push);
            let guard = lock.lock_shared();
            // SAFETY: held shared just above.
            unsafe { lock.unlock_shared(guard) };
        })
    });
    let pl = <parking_lot::RawRwLock as lock_api::RawRwLock>::INIT;
    group.bench_function("parking_lot::RawRwLock", |b| {
        b.iter(|| {
            let lock = black_box(&pl);
            let guard = lock.lock_shared();
            // SAFETY: held shared just above.
            unsafe { lock.unlock_shared(guard) };
        })
    });
    let std_lock = RwLock::new(());
    group.bench_function("std::sync::RwLock", |b| {
        b.iter(|| drop(black_box(&std_lock).read().unwrap()))
    });
    group.finish();
}

criterion_group!(benches, exclusive, shared);
criterion_main!(benches);
