//! Loom models of the spin lock (`SpinLock`): mutual exclusion and the hand-over of
//! the protected data between holders, over every interleaving (up to
//! `LOOM_MAX_PREEMPTIONS`). The data sits in a loom cell, so a missing happens-before
//! edge between two critical sections is a reported data race. The models use the
//! `…AtDpcLevel` forms, which leave the simulated IRQL alone (the IRQL is per-thread
//! state outside the lock's protocol).
//!
//! Run: `RUSTFLAGS="--cfg pushlock_loom" LOOM_MAX_PREEMPTIONS=2 CARGO_TARGET_DIR=target/loom
//! cargo test -p pushlock --release --test loom_spin_lock`
//!
//! Mutation that makes the model fail (checked by hand): `give_back` storing `0` with
//! `Relaxed` instead of `Release` (loom: "Causality violation: Concurrent write
//! accesses to `UnsafeCell`"). A three-thread model exceeded loom's branch bound on the
//! spinning loops (even at 100 000 branches) and is not kept.
#![cfg(pushlock_loom)]

use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use pushlock::SpinLock;

struct Locked {
    lock: SpinLock,
    data: UnsafeCell<u32>,
}

// SAFETY: `data` is only touched while `lock` is held.
unsafe impl Sync for Locked {}

impl Locked {
    fn add(&self) {
        self.lock.acquire_at_dpc_level();
        assert!(self.lock.is_held_by_current_thread());
        // SAFETY: held.
        self.data.with_mut(|p| unsafe { *p += 1 });
        self.lock.release_from_dpc_level();
    }
}

#[test]
fn two_holders_hand_the_data_over() {
    loom::model(|| {
        let l = Arc::new(Locked {
            lock: SpinLock::new(),
            data: UnsafeCell::new(0),
        });
        let other = {
            let l = l.clone();
            thread::spawn(move || l.add())
        };
        l.add();
        other.join().unwrap();
        l.lock.acquire_at_dpc_level();
        // SAFETY: held.
        assert_eq!(l.data.with(|p| unsafe { *p }), 2);
        l.lock.release_from_dpc_level();
    });
}
