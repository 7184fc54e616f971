//! Loom models of rundown protection (`RundownRef`): every interleaving (up to
//! `LOOM_MAX_PREEMPTIONS`) of users racing a teardown. The object's data sits in a loom
//! cell that the teardown frees (writes) after the wait, so a protected use that does
//! not happen before the wait's return is a data race, and a lost wake-up a deadlock.
//!
//! Run: `RUSTFLAGS="--cfg pushlock_loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom
//! cargo test -p pushlock --release --test loom_rundown`
//!
//! Mutations that make these models fail (each checked by hand):
//! - in `release_ex`, a `Relaxed` CAS on the word instead of `Release`: the
//!   teardown's write races the user's read (loom: "Causality violation: Concurrent
//!   read and write accesses to `UnsafeCell`", every model);
//! - in `release_during_rundown`, waking the waiter on the wrong decrement
//!   (`held == count + 1` instead of `held == count`): a lost wake-up (loom:
//!   "deadlock", every model).
//!
//! Not caught: `done` stored `Relaxed` instead of `Release` (loom's park/unpark
//! synchronize on their own, hiding it); the ordering is argued in `src/rundown.rs`.
#![cfg(pushlock_loom)]

use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use pushlock::RundownRef;

/// An object guarded by rundown protection.
struct Guarded {
    rundown: RundownRef,
    data: UnsafeCell<u32>,
}

// SAFETY: `data` is read only under a protection and written only after the rundown
// wait returned (when no protection can be held).
unsafe impl Sync for Guarded {}

impl Guarded {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            rundown: RundownRef::new(),
            data: UnsafeCell::new(7),
        })
    }

    /// A user: reads the object if it can take a protection.
    fn use_once(&self, count: usize) -> bool {
        let ok = if count == 1 {
            self.rundown.acquire()
        } else {
            self.rundown.acquire_ex(count)
        };
        if ok {
            // SAFETY: protected: teardown writes only after every protection left.
            let value = self.data.with(|p| unsafe { *p });
            assert_eq!(value, 7, "read after teardown");
            if count == 1 {
                self.rundown.release();
            } else {
                self.rundown.release_ex(count);
            }
        }
        ok
    }

    /// Teardown: waits, then "frees" the object.
    fn tear_down(&self) {
        self.rundown.wait_for_release();
        assert!(!self.rundown.acquire(), "acquire after the wait returned");
        // SAFETY: the wait returned: no protection is held and none can be taken.
        self.data.with_mut(|p| unsafe { *p = 0 });
    }
}

#[test]
fn users_racing_teardown_one_user() {
    loom::model(|| {
        let g = Guarded::new();
        let user = {
            let g = g.clone();
            thread::spawn(move || g.use_once(1))
        };
        g.tear_down();
        user.join().unwrap();
        g.rundown.completed();
    });
}

#[test]
fn users_racing_teardown_two_users_ex_counts() {
    loom::model(|| {
        let g = Guarded::new();
        let users: Vec<_> = [1, 2]
            .into_iter()
            .map(|count| {
                let g = g.clone();
                thread::spawn(move || g.use_once(count))
            })
            .collect();
        g.tear_down();
        for user in users {
            user.join().unwrap();
        }
    });
}

#[test]
fn protection_held_across_the_wait_start_then_released_elsewhere() {
    loom::model(|| {
        let g = Guarded::new();
        assert!(g.rundown.acquire());
        let releaser = {
            let g = g.clone();
            thread::spawn(move || {
                // SAFETY: the main thread's protection is still held.
                let value = g.data.with(|p| unsafe { *p });
                assert_eq!(value, 7);
                g.rundown.release();
            })
        };
        g.tear_down();
        releaser.join().unwrap();
    });
}

#[test]
fn reinitialize_after_rundown_makes_acquires_work_again() {
    loom::model(|| {
        let g = Guarded::new();
        let user = {
            let g = g.clone();
            thread::spawn(move || g.use_once(1))
        };
        g.tear_down();
        user.join().unwrap();
        g.rundown.reinitialize();
        assert!(g.rundown.acquire());
        g.rundown.release();
    });
}
