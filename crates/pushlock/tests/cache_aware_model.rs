//! proptest: random single-thread sequences of `try_read`, `try_write` and guard drops
//! on a `CacheAwarePushLock`, checked step by step against a reference model (how many
//! read guards and whether a write guard are alive), plus the shard states (P11).
#![cfg(not(pushlock_loom))]

use proptest::prelude::*;
use pushlock::{CacheAwarePushLock, CacheAwareReadGuard, CacheAwareWriteGuard};

#[derive(Clone, Copy, Debug)]
enum Op {
    TryRead,
    TryWrite,
    /// Drops the guard at this index (modulo the number alive), if any.
    Drop(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::TryRead),
        Just(Op::TryWrite),
        any::<usize>().prop_map(Op::Drop),
    ]
}

/// A live guard, kept only for its `Drop`.
enum Held<'a> {
    Read {
        _guard: CacheAwareReadGuard<'a, u64>,
    },
    Write {
        _guard: CacheAwareWriteGuard<'a, u64>,
    },
}

proptest! {
    #[test]
    fn p11_single_thread_sequences_match_model(
        shards in 1usize..5,
        ops in proptest::collection::vec(op(), 1..64),
    ) {
        let lock = CacheAwarePushLock::with_shards(shards, 0u64);
        let mut held: Vec<Held<'_>> = Vec::new();
        let mut writes = 0u64;
        for op in ops {
            let readers = held.iter().filter(|h| matches!(h, Held::Read { .. })).count();
            let writer = held.iter().any(|h| matches!(h, Held::Write { .. }));
            match op {
                Op::TryRead => {
                    // Model: a read succeeds unless a write guard is alive.
                    let got = lock.try_read();
                    prop_assert_eq!(got.is_some(), !writer);
                    if let Some(guard) = got {
                        prop_assert_eq!(*guard, writes);
                        held.push(Held::Read { _guard: guard });
                    }
                }
                Op::TryWrite => {
                    // Model: a write succeeds only when no guard at all is alive.
                    let got = lock.try_write();
                    prop_assert_eq!(got.is_some(), readers == 0 && !writer);
                    if let Some(mut guard) = got {
                        *guard += 1;
                        writes += 1;
                        held.push(Held::Write { _guard: guard });
                    }
                }
                Op::Drop(i) => {
                    if !held.is_empty() {
                        let i = i % held.len();
                        drop(held.remove(i));
                    }
                }
            }
            // Shards: a write guard holds every shard exclusive; with only read guards,
            // exactly one shard (this thread's) is held, shared; with none, none is.
            let readers = held.iter().filter(|h| matches!(h, Held::Read { .. })).count();
            let writer = held.iter().any(|h| matches!(h, Held::Write { .. }));
            let locked = (0..lock.shard_count()).filter(|&s| lock.shard_is_locked(s)).count();
            let exclusive =
                (0..lock.shard_count()).filter(|&s| lock.shard_is_locked_exclusive(s)).count();
            if writer {
                prop_assert_eq!(exclusive, lock.shard_count());
            } else if readers > 0 {
                prop_assert_eq!((locked, exclusive), (1, 0));
            } else {
                prop_assert_eq!(locked, 0);
            }
        }
        drop(held);
        prop_assert_eq!(lock.into_inner(), writes);
    }
}
