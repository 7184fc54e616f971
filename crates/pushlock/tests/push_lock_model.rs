//! proptest: random single-thread sequences of try-acquire / release / downgrade against
//! a reference model of the lock state (SPEC P2, P5).
#![cfg(not(loom))]

use proptest::prelude::*;
use pushlock::RawPushLock;

#[derive(Clone, Copy, Debug)]
enum Op {
    TryExclusive,
    TryShared,
    Release,
    Downgrade,
}

/// The reference model: who holds the lock.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Model {
    Free,
    Exclusive,
    Shared(usize),
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
    fn p2_p5_model_matches(ops in proptest::collection::vec(op(), 0..200)) {
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
                    if got {
                        model = match model {
                            Model::Shared(n) => Model::Shared(n + 1),
                            _ => Model::Shared(1),
                        };
                    }
                }
                Op::Release => match model {
                    Model::Free => {}
                    Model::Exclusive | Model::Shared(1) => {
                        // SAFETY: the model says we hold it.
                        unsafe { lock.release() };
                        model = Model::Free;
                    }
                    Model::Shared(n) => {
                        // SAFETY: the model says we hold it shared.
                        unsafe { lock.release() };
                        model = Model::Shared(n - 1);
                    }
                },
                Op::Downgrade => {
                    if model == Model::Exclusive {
                        // SAFETY: held exclusive.
                        unsafe { lock.downgrade() };
                        model = Model::Shared(1);
                    }
                }
            }
            prop_assert_eq!(lock.is_locked(), model != Model::Free);
            prop_assert_eq!(lock.is_locked_exclusive(), model == Model::Exclusive);
        }
        while model != Model::Free {
            // SAFETY: the model says we hold it.
            unsafe { lock.release() };
            model = match model {
                Model::Shared(n) if n > 1 => Model::Shared(n - 1),
                _ => Model::Free,
            };
        }
        prop_assert!(!lock.is_locked());
    }
}
