//! Uncontended acquire+release, side by side: `Resource`, `RawPushLock`,
//! `parking_lot::ReentrantMutex` and parking_lot's recursive read (`RecursiveRwLock::read`, 0.13's `read_recursive`).
//!
//! `cargo bench -p pushlock --bench resource`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pushlock::{RawPushLock, Resource};

fn exclusive(c: &mut Criterion) {
    let mut group = c.benchmark_group("uncontended_exclusive");
    let resource = Resource::new();
    group.bench_function("Resource", |b| {
        b.iter(|| drop(black_box(&resource).acquire_exclusive()))
    });
    group.bench_function("Resource_lite", |b| {
        b.iter(|| {
            let r = black_box(&resource);
            r.acquire_exclusive_lite(true);
            r.release_lite();
        })
    });
    let push_lock = RawPushLock::new();
    group.bench_function("RawPushLock", |b| {
        b.iter(|| {
            let lock = black_box(&push_lock);
            lock.acquire_exclusive();
            // SAFETY: acquired just above by this thread.
            unsafe { lock.release() };
        })
    });
    let reentrant = parking_lot::ReentrantMutex::new(());
    group.bench_function("parking_lot_ReentrantMutex", |b| {
        b.iter(|| drop(black_box(&reentrant).lock()))
    });
    let rwlock = parking_lot::RwLock::new(());
    group.bench_function("parking_lot_RwLock_write", |b| {
        b.iter(|| drop(black_box(&rwlock).write()))
    });
    group.finish();
}

fn shared(c: &mut Criterion) {
    let mut group = c.benchmark_group("uncontended_shared");
    let resource = Resource::new();
    group.bench_function("Resource", |b| {
        b.iter(|| drop(black_box(&resource).acquire_shared()))
    });
    let push_lock = RawPushLock::new();
    group.bench_function("RawPushLock", |b| {
        b.iter(|| {
            let lock = black_box(&push_lock);
            lock.acquire_shared();
            // SAFETY: acquired just above by this thread.
            unsafe { lock.release() };
        })
    });
    // parking_lot 0.13 spells `read_recursive` as a `RecursiveRwLock` read.
    let recursive = parking_lot::RecursiveRwLock::new(());
    group.bench_function("parking_lot_read_recursive", |b| {
        b.iter(|| drop(black_box(&recursive).read()))
    });
    group.finish();
}

fn recursive(c: &mut Criterion) {
    let mut group = c.benchmark_group("recursive_second_acquire");
    let resource = Resource::new();
    let _outer = resource.acquire_exclusive();
    group.bench_function("Resource", |b| {
        b.iter(|| drop(black_box(&resource).acquire_exclusive()))
    });
    let reentrant = parking_lot::ReentrantMutex::new(());
    let _outer_reentrant = reentrant.lock();
    group.bench_function("parking_lot_ReentrantMutex", |b| {
        b.iter(|| drop(black_box(&reentrant).lock()))
    });
    group.finish();
}

criterion_group!(benches, exclusive, shared, recursive);
criterion_main!(benches);
