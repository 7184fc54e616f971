#![cfg(not(pushlock_loom))]
//! Stress with invariants (16 threads: recursion, every flavour, conversion,
//! transfer) and a proptest of single-thread operation sequences against a model.
//! `PUSHLOCK_STRESS_OPS` sets the stress test's operations per thread (the release run
//! in `.ci/release-stress.sh` sets it).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;

use proptest::prelude::*;
use pushlock::{BugCheck, OwnerPointer, Resource, TransferredResource, current_resource_thread};

mod support;
use support::{Watchdog, stress_ops};

/// Who is inside: writers (exclusive holders) and readers (shared holders).
#[derive(Default)]
struct Inside {
    writers: AtomicUsize,
    readers: AtomicUsize,
}

impl Inside {
    fn enter_exclusive(&self) {
        assert_eq!(
            self.writers.fetch_add(1, Ordering::SeqCst),
            0,
            "two writers"
        );
        assert_eq!(
            self.readers.load(Ordering::SeqCst),
            0,
            "writer with readers"
        );
    }
    fn leave_exclusive(&self) {
        self.writers.fetch_sub(1, Ordering::SeqCst);
    }
    fn enter_shared(&self) {
        self.readers.fetch_add(1, Ordering::SeqCst);
        assert_eq!(
            self.writers.load(Ordering::SeqCst),
            0,
            "reader with a writer"
        );
    }
    fn leave_shared(&self) {
        self.readers.fetch_sub(1, Ordering::SeqCst);
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn r2_r3_r4_r5_r7_r8_r10_stress_sixteen_threads_keep_invariants() {
    // 60 s without any thread finishing 256 operations is a hang.
    let watchdog = &Watchdog::start(60);
    let ops = stress_ops(if cfg!(debug_assertions) {
        6_000
    } else {
        40_000
    });
    let r = Resource::new();
    let inside = Inside::default();
    let (tx, rx) = mpsc::channel::<TransferredResource<'_>>();
    thread::scope(|s| {
        let (r, inside) = (&r, &inside);
        // The releaser: transferred shared acquisitions end here, on another thread.
        s.spawn(move || {
            for moved in rx {
                inside.leave_shared();
                moved.release();
            }
        });
        for t in 0..16u64 {
            let tx = tx.clone();
            s.spawn(move || {
                let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (t + 1));
                let owner = OwnerPointer::new(current_resource_thread() | 3).unwrap();
                for i in 0..ops {
                    if i % 256 == 0 {
                        watchdog.tick();
                    }
                    match rng.next() % 7 {
                        0 => {
                            let _g = r.acquire_exclusive();
                            inside.enter_exclusive();
                            let inner = r.acquire_shared(); // R2: recursion
                            assert!(r.is_acquired_exclusive());
                            assert_eq!(r.shared_count(), 2);
                            drop(inner);
                            inside.leave_exclusive();
                        }
                        1 => {
                            let _g = r.acquire_shared();
                            inside.enter_shared();
                            let again = r.acquire_shared(); // R3: re-enters
                            assert_eq!(r.shared_count(), 2);
                            drop(again);
                            inside.leave_shared();
                        }
                        2 => {
                            let _g = r.acquire_shared_starve_exclusive();
                            inside.enter_shared();
                            inside.leave_shared();
                        }
                        3 => {
                            let _g = r.acquire_shared_wait_for_exclusive();
                            inside.enter_shared();
                            inside.leave_shared();
                        }
                        4 => {
                            let mut g = r.acquire_exclusive();
                            inside.enter_exclusive();
                            inside.leave_exclusive();
                            inside.enter_shared();
                            g.convert_to_shared(); // R8
                            assert!(!r.is_acquired_exclusive());
                            inside.leave_shared();
                        }
                        5 => {
                            let g = r.acquire_shared();
                            inside.enter_shared();
                            tx.send(g.transfer(owner)).unwrap(); // R10
                        }
                        _ => {
                            if let Some(_g) = r.try_acquire_exclusive() {
                                inside.enter_exclusive();
                                inside.leave_exclusive();
                            }
                            if let Some(_g) = r.try_acquire_shared() {
                                inside.enter_shared();
                                inside.leave_shared();
                            }
                        }
                    }
                    assert_eq!(r.shared_count(), 0);
                }
            });
        }
        drop(tx);
    });
    assert_eq!(r.exclusive_waiters() + r.shared_waiters(), 0);
    assert!(r.try_acquire_exclusive().is_some());
}

/// One single-thread operation.
#[derive(Clone, Copy, Debug)]
enum Op {
    Exclusive,
    Shared,
    Starve,
    WaitForExclusive,
    TryExclusive,
    TryShared,
    TryStarve,
    TryWaitForExclusive,
    Release,
    Convert,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::Exclusive),
        Just(Op::Shared),
        Just(Op::Starve),
        Just(Op::WaitForExclusive),
        Just(Op::TryExclusive),
        Just(Op::TryShared),
        Just(Op::TryStarve),
        Just(Op::TryWaitForExclusive),
        Just(Op::Release),
        Just(Op::Convert),
    ]
}

/// The reference model: the calling thread's count and mode.
#[derive(Default)]
struct Model {
    count: u32,
    exclusive: bool,
}

impl Model {
    /// What an exclusive acquire does; `None` when it would block (self-deadlock).
    fn exclusive(&mut self) -> Option<bool> {
        if self.count == 0 || self.exclusive {
            self.count += 1;
            self.exclusive = true;
            Some(true)
        } else {
            None
        }
    }
    fn shared(&mut self) -> bool {
        self.count += 1;
        true
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(if cfg!(debug_assertions) { 64 } else { 256 }))]

    #[test]
    fn r2_r5_r6_r9_r11_single_thread_sequences_match_model(ops in prop::collection::vec(op(), 0..40)) {
        let _watchdog = Watchdog::start(60);
        let r = Resource::new();
        let mut model = Model::default();
        for op in ops {
            match op {
                Op::Exclusive => {
                    // A blocking exclusive acquire by a shared owner would deadlock.
                    if model.exclusive().is_some() {
                        prop_assert!(r.acquire_exclusive_lite(true));
                    }
                }
                Op::TryExclusive => {
                    let expected = model.exclusive().is_some();
                    prop_assert_eq!(r.acquire_exclusive_lite(false), expected);
                }
                Op::Shared => prop_assert_eq!(r.acquire_shared_lite(true), model.shared()),
                Op::Starve => prop_assert_eq!(r.acquire_shared_starve_exclusive_lite(true), model.shared()),
                Op::WaitForExclusive => prop_assert_eq!(r.acquire_shared_wait_for_exclusive_lite(true), model.shared()),
                Op::TryShared => prop_assert_eq!(r.acquire_shared_lite(false), model.shared()),
                Op::TryStarve => prop_assert_eq!(r.acquire_shared_starve_exclusive_lite(false), model.shared()),
                Op::TryWaitForExclusive => prop_assert_eq!(r.acquire_shared_wait_for_exclusive_lite(false), model.shared()),
                Op::Release => {
                    if model.count == 0 {
                        let check = std::panic::catch_unwind(|| r.release_lite())
                            .expect_err("0xE3")
                            .downcast::<BugCheck>()
                            .expect("BugCheck payload");
                        prop_assert_eq!(check.code(), 0xE3);
                    } else {
                        r.release_lite();
                        model.count -= 1;
                        if model.count == 0 {
                            model.exclusive = false;
                        }
                    }
                }
                Op::Convert => {
                    if model.count > 0 {
                        r.convert_exclusive_to_shared_lite();
                        model.exclusive = false;
                    }
                }
            }
            prop_assert_eq!(r.shared_count(), model.count);
            prop_assert_eq!(r.is_acquired_exclusive(), model.exclusive);
            prop_assert_eq!(r.exclusive_waiters(), 0);
            prop_assert_eq!(r.shared_waiters(), 0);
            prop_assert_eq!(r.contention_count(), 0);
        }
        for _ in 0..model.count {
            r.release_lite();
        }
    }
}
