//! proptest: random single-thread sequences of try-acquires, releases and downgrades,
//! checked step by step against a reference model of the lock's state.
#![cfg(not(pushlock_loom))]

use lock_api::{RawRwLock, RawRwLockDowngrade};
use proptest::prelude::*;
use pushlock::RawPushLock;

#[derive(Clone, Copy, Debug)]
enum Op {
    TryExclusive,
    TryShared,
    Release,
    Downgrade,
}

/// The reference: free, exclusive, or `n` shared holders.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Model {
    Free,
    Exclusive,
    Shared(u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::TryExclusive),
        Just(Op::TryShared),
        Just(Op::Release),
        Just(Op::Downgrade),
    ]
}

proptest! {
    #[test]
    fn p2_p5_single_thread_model(ops in proptest::collection::vec(op(), 0..200)) {
        let lock = RawPushLock::new();
        let mut model = Model::Free;
        for op in ops {
            match op {
                Op::TryExclusive => {
                    let got = lock.try_acquire_exclusive();
                    prop_assert_eq!(got, model == Model::Free);
                    if got {
                        model = Model::Exclusive;
                    }
                }
                Op::TryShared => {
                    let got = lock.try_acquire_shared();
                    prop_assert_eq!(got, model != Model::Exclusive);
                    model = match model {
                        Model::Free => Model::Shared(1),
                        Model::Shared(n) => Model::Shared(n + 1),
                        Model::Exclusive => Model::Exclusive,
                    };
                }
                Op::Release => {
                    if model == Model::Free {
                        continue;
                    }
                    // SAFETY: the model says we hold it (P5: one release for both modes).
                    unsafe { lock.release() };
                    model = match model {
                        Model::Shared(n) if n > 1 => Model::Shared(n - 1),
                        _ => Model::Free,
                    };
                }
                Op::Downgrade => {
                    if model != Model::Exclusive {
                        continue;
                    }
                    // SAFETY: held exclusive per the model.
                    unsafe { lock.downgrade(lock_api::GuardNoSend::new()) };
                    model = Model::Shared(1);
                }
            }
            prop_assert_eq!(lock.is_locked(), model != Model::Free);
            prop_assert_eq!(lock.is_locked_exclusive(), model == Model::Exclusive);
            prop_assert_eq!(RawRwLock::is_locked(&lock), model != Model::Free);
            prop_assert!(!lock.has_waiters());
        }
        while model != Model::Free {
            // SAFETY: held per the model.
            unsafe { lock.release() };
            model = match model {
                Model::Shared(n) if n > 1 => Model::Shared(n - 1),
                _ => Model::Free,
            };
        }
        prop_assert!(!lock.is_locked());
    }
}
