//! Loom models of the push lock: every interleaving (up to `LOOM_MAX_PREEMPTIONS`) of
//! small scenarios, with the protected data in a loom cell so that a missing
//! happens-before edge is reported as a data race, and a lost wake-up as a deadlock.
//!
//! Run: `RUSTFLAGS="--cfg pushlock_loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom
//! cargo test -p pushlock --release --test loom_push_lock`
#![cfg(pushlock_loom)]

use std::time::Instant;

use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use pushlock::RawPushLock;

/// A lock and the data it protects.
struct Locked {
    lock: RawPushLock,
    data: UnsafeCell<u32>,
}

// SAFETY: `data` is only touched while `lock` is held in the right mode.
unsafe impl Sync for Locked {}

impl Locked {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            lock: RawPushLock::new(),
            data: UnsafeCell::new(0),
        })
    }

    fn write(&self) {
        self.lock.acquire_exclusive();
        assert!(self.lock.is_locked_exclusive());
        // SAFETY: held exclusive.
        self.data.with_mut(|p| unsafe { *p += 1 });
        // SAFETY: held exclusive.
        unsafe { self.lock.release() };
    }

    fn read(&self) -> u32 {
        self.lock.acquire_shared();
        assert!(!self.lock.is_locked_exclusive());
        // SAFETY: held shared.
        let value = self.data.with(|p| unsafe { *p });
        // SAFETY: held shared.
        unsafe { self.lock.release() };
        value
    }

    /// A timed write whose deadline has already passed by the time it could queue: it
    /// writes if the lock came free first, else it must leave the queue cleanly.
    /// Returns whether it wrote.
    fn write_before_now(&self) -> bool {
        if !self.lock.try_acquire_exclusive_until(Instant::now()) {
            return false;
        }
        // SAFETY: held exclusive.
        self.data.with_mut(|p| unsafe { *p += 1 });
        // SAFETY: held exclusive.
        unsafe { self.lock.release() };
        true
    }

    fn value(&self) -> u32 {
        // SAFETY: called once every other thread was joined.
        self.data.with(|p| unsafe { *p })
    }

    fn assert_idle(&self) {
        assert!(!self.lock.is_locked());
        assert!(!self.lock.has_waiters());
    }
}

#[test]
fn p2_exclusive_vs_exclusive() {
    loom::model(|| {
        let l = Locked::new();
        let t = {
            let l = l.clone();
            thread::spawn(move || l.write())
        };
        l.write();
        t.join().unwrap();
        assert_eq!(l.value(), 2);
        l.assert_idle();
    });
}

#[test]
fn p3_shared_exclusive_shared() {
    loom::model(|| {
        let l = Locked::new();
        let reader = {
            let l = l.clone();
            thread::spawn(move || l.read())
        };
        let writer = {
            let l = l.clone();
            thread::spawn(move || l.write())
        };
        let seen = l.read();
        assert!(seen <= 1);
        assert!(reader.join().unwrap() <= 1);
        writer.join().unwrap();
        assert_eq!(l.value(), 1);
        l.assert_idle();
    });
}

#[test]
fn p8_two_readers_wait_on_a_writer() {
    loom::model(|| {
        let l = Locked::new();
        l.lock.acquire_exclusive();
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let l = l.clone();
                thread::spawn(move || l.read())
            })
            .collect();
        // SAFETY: held exclusive.
        l.data.with_mut(|p| unsafe { *p = 7 });
        // SAFETY: held exclusive.
        unsafe { l.lock.release() };
        for r in readers {
            assert_eq!(r.join().unwrap(), 7);
        }
        l.assert_idle();
    });
}

#[test]
fn downgrade_keeps_writers_out() {
    loom::model(|| {
        let l = Locked::new();
        let writer = {
            let l = l.clone();
            thread::spawn(move || l.write())
        };
        l.lock.acquire_exclusive();
        // SAFETY: held exclusive.
        l.data.with_mut(|p| unsafe { *p += 10 });
        // SAFETY: held exclusive.
        unsafe { l.lock.downgrade() };
        assert!(l.lock.is_locked() && !l.lock.is_locked_exclusive());
        // SAFETY: held shared.
        let seen = l.data.with(|p| unsafe { *p });
        // Either the writer ran before us (11) or it waits until we release (10).
        assert!(seen == 10 || seen == 11);
        // SAFETY: held shared.
        unsafe { l.lock.release() };
        writer.join().unwrap();
        assert_eq!(l.value(), 11);
        l.assert_idle();
    });
}

#[test]
fn downgrade_lets_queued_reader_in() {
    loom::model(|| {
        let l = Locked::new();
        l.lock.acquire_exclusive();
        let reader = {
            let l = l.clone();
            thread::spawn(move || l.read())
        };
        // SAFETY: held exclusive.
        l.data.with_mut(|p| unsafe { *p = 5 });
        // SAFETY: held exclusive.
        unsafe { l.lock.downgrade() };
        assert_eq!(reader.join().unwrap(), 5);
        // SAFETY: held shared.
        unsafe { l.lock.release() };
        l.assert_idle();
    });
}

#[test]
fn timed_exclusive_gives_up_while_queued() {
    loom::model(|| {
        let l = Locked::new();
        l.lock.acquire_exclusive();
        let timed = {
            let l = l.clone();
            thread::spawn(move || {
                l.write_before_now();
            })
        };
        // SAFETY: held exclusive.
        unsafe { l.lock.release() };
        timed.join().unwrap();
        l.assert_idle();
    });
}

#[test]
fn timed_exclusive_gives_up_behind_reader_then_writer_gets_in() {
    loom::model(|| {
        let l = Locked::new();
        l.lock.acquire_shared();
        let timed = {
            let l = l.clone();
            thread::spawn(move || {
                if l.lock.try_acquire_exclusive_until(Instant::now()) {
                    // SAFETY: held exclusive.
                    unsafe { l.lock.release() };
                }
            })
        };
        let writer = {
            let l = l.clone();
            thread::spawn(move || l.write())
        };
        // SAFETY: held shared (the share count may sit in the timed waiter's block,
        // which must hand it on when it unlinks).
        unsafe { l.lock.release() };
        timed.join().unwrap();
        writer.join().unwrap();
        assert_eq!(l.value(), 1);
        l.assert_idle();
    });
}

#[test]
fn timed_shared_gives_up_while_writer_holds() {
    loom::model(|| {
        let l = Locked::new();
        let writer = {
            let l = l.clone();
            thread::spawn(move || l.write())
        };
        let timed = {
            let l = l.clone();
            thread::spawn(move || {
                if l.lock.try_acquire_shared_until(Instant::now()) {
                    // SAFETY: held shared.
                    let _ = l.data.with(|p| unsafe { *p });
                    // SAFETY: held shared.
                    unsafe { l.lock.release() };
                }
            })
        };
        l.write();
        writer.join().unwrap();
        timed.join().unwrap();
        assert_eq!(l.value(), 2);
        l.assert_idle();
    });
}

#[test]
fn timed_and_blocking_writers_queue_behind_writer() {
    // Either order of queueing: the timed waiter may be the tail woken alone (then it
    // gives up after the wake and must pass the wake on) or unlink itself.
    loom::model(|| {
        let l = Locked::new();
        l.lock.acquire_exclusive();
        let timed = {
            let l = l.clone();
            thread::spawn(move || u32::from(l.write_before_now()))
        };
        let writer = {
            let l = l.clone();
            thread::spawn(move || l.write())
        };
        // SAFETY: held exclusive.
        unsafe { l.lock.release() };
        let timed_wrote = timed.join().unwrap();
        writer.join().unwrap();
        assert_eq!(l.value(), 1 + timed_wrote);
        l.assert_idle();
    });
}

#[test]
fn timed_tail_hands_share_count_on() {
    // A reader holds; a blocking and a timed writer queue in either order. When the
    // timed one is the tail it carries the share count and must hand it to the other.
    loom::model(|| {
        let l = Locked::new();
        l.lock.acquire_shared();
        let writer = {
            let l = l.clone();
            thread::spawn(move || l.write())
        };
        let timed = {
            let l = l.clone();
            thread::spawn(move || {
                if l.lock.try_acquire_exclusive_until(Instant::now()) {
                    // SAFETY: held exclusive.
                    unsafe { l.lock.release() };
                }
            })
        };
        // SAFETY: held shared.
        let _ = l.data.with(|p| unsafe { *p });
        // SAFETY: held shared.
        unsafe { l.lock.release() };
        writer.join().unwrap();
        timed.join().unwrap();
        assert_eq!(l.value(), 1);
        l.assert_idle();
    });
}

#[test]
fn p3_woken_writer_then_new_reader() {
    // The reader's release wakes the queued writer (the word becomes WRITER_WOKEN when
    // the writer queued first); a new reader arriving then queues on the free word and
    // must be woken by the writer's release (invariant 9).
    loom::model(|| {
        let l = Locked::new();
        l.lock.acquire_shared();
        let writer = {
            let l = l.clone();
            thread::spawn(move || l.write())
        };
        let reader = {
            let l = l.clone();
            thread::spawn(move || l.read())
        };
        // SAFETY: held shared.
        unsafe { l.lock.release() };
        writer.join().unwrap();
        assert!(reader.join().unwrap() <= 1);
        assert_eq!(l.value(), 1);
        l.assert_idle();
    });
}

#[test]
fn timed_woken_writer_then_new_reader() {
    // As above with a timed writer whose deadline has passed: woken, it must still
    // retry (the word is acquirable), never leave WRITER_WOKEN behind.
    loom::model(|| {
        let l = Locked::new();
        l.lock.acquire_shared();
        let timed = {
            let l = l.clone();
            thread::spawn(move || {
                l.write_before_now();
            })
        };
        let reader = {
            let l = l.clone();
            thread::spawn(move || l.read())
        };
        // SAFETY: held shared.
        unsafe { l.lock.release() };
        timed.join().unwrap();
        assert!(reader.join().unwrap() <= 1);
        l.assert_idle();
    });
}
