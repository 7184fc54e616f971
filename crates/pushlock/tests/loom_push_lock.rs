//! Loom models of the push lock: every interleaving (up to `LOOM_MAX_PREEMPTIONS`) of
//! small thread sets, checking mutual exclusion through a loom `UnsafeCell` (loom
//! reports a concurrent access as a failure) and that every thread finishes (no lost
//! wake-up: loom reports a deadlock when all threads park).
#![cfg(loom)]

use std::time::{Duration, Instant};

use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use pushlock::RawPushLock;

struct Shared {
    lock: RawPushLock,
    value: UnsafeCell<usize>,
}

impl Shared {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            lock: RawPushLock::new(),
            value: UnsafeCell::new(0),
        })
    }

    fn write(&self) {
        self.lock.acquire_exclusive();
        // SAFETY: held exclusive; loom checks that no other access overlaps.
        self.value.with_mut(|v| unsafe { *v += 1 });
        // SAFETY: held.
        unsafe { self.lock.release() };
    }

    fn read(&self) -> usize {
        self.lock.acquire_shared();
        // SAFETY: held shared; loom checks that no write overlaps.
        let v = self.value.with(|v| unsafe { *v });
        // SAFETY: held.
        unsafe { self.lock.release() };
        v
    }

    fn total(&self) -> usize {
        // SAFETY: all other threads joined.
        self.value.with(|v| unsafe { *v })
    }
}

#[test]
fn loom_exclusive_vs_exclusive() {
    loom::model(|| {
        let s = Shared::new();
        let t = {
            let s = s.clone();
            thread::spawn(move || s.write())
        };
        s.write();
        t.join().unwrap();
        assert_eq!(s.total(), 2);
        assert!(!s.lock.is_locked());
    });
}

#[test]
fn loom_shared_exclusive_shared() {
    loom::model(|| {
        let s = Shared::new();
        let r1 = {
            let s = s.clone();
            thread::spawn(move || {
                s.read();
            })
        };
        let w = {
            let s = s.clone();
            thread::spawn(move || s.write())
        };
        s.read();
        r1.join().unwrap();
        w.join().unwrap();
        assert_eq!(s.total(), 1);
        assert!(!s.lock.is_locked());
    });
}

#[test]
fn loom_two_writers_one_reader() {
    loom::model(|| {
        let s = Shared::new();
        let w = {
            let s = s.clone();
            thread::spawn(move || s.write())
        };
        let r = {
            let s = s.clone();
            thread::spawn(move || {
                s.read();
            })
        };
        s.write();
        w.join().unwrap();
        r.join().unwrap();
        assert_eq!(s.total(), 2);
        assert!(!s.lock.is_locked());
    });
}

#[test]
fn loom_downgrade() {
    loom::model(|| {
        let s = Shared::new();
        let other = {
            let s = s.clone();
            thread::spawn(move || {
                s.read();
            })
        };
        let writer = {
            let s = s.clone();
            thread::spawn(move || s.write())
        };
        s.lock.acquire_exclusive();
        // SAFETY: held exclusive.
        s.value.with_mut(|v| unsafe { *v += 1 });
        // SAFETY: held exclusive.
        unsafe { s.lock.downgrade() };
        assert!(!s.lock.is_locked_exclusive());
        // SAFETY: held shared.
        let _ = s.value.with(|v| unsafe { *v });
        // SAFETY: held shared.
        unsafe { s.lock.release() };
        other.join().unwrap();
        writer.join().unwrap();
        assert_eq!(s.total(), 2);
        assert!(!s.lock.is_locked());
    });
}

#[test]
fn loom_timed_exclusive_gives_up_while_queued() {
    loom::model(|| {
        let s = Shared::new();
        let timed = {
            let s = s.clone();
            thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(3600);
                if s.lock.try_acquire_until(true, deadline) {
                    // SAFETY: held exclusive.
                    s.value.with_mut(|v| unsafe { *v += 1 });
                    // SAFETY: held.
                    unsafe { s.lock.release() };
                }
            })
        };
        let writer = {
            let s = s.clone();
            thread::spawn(move || s.write())
        };
        s.read();
        timed.join().unwrap();
        writer.join().unwrap();
        assert!(!s.lock.is_locked());
        assert!(!s.lock.is_locked());
    });
}

#[test]
fn loom_timed_shared_gives_up_while_queued() {
    loom::model(|| {
        let s = Shared::new();
        let timed = {
            let s = s.clone();
            thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(3600);
                if s.lock.try_acquire_until(false, deadline) {
                    // SAFETY: held shared.
                    let _ = s.value.with(|v| unsafe { *v });
                    // SAFETY: held.
                    unsafe { s.lock.release() };
                }
            })
        };
        s.write();
        s.write();
        timed.join().unwrap();
        assert_eq!(s.total(), 2);
        assert!(!s.lock.is_locked());
        assert!(!s.lock.is_locked());
    });
}
