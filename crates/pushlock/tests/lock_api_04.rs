//! lock_api 0.4 interoperation (cargo feature `lock_api_04`): `RawPushLock` works where
//! the lock_api 0.4 ecosystem expects a raw reader/writer lock.
//!
//! Run: `cargo test -p pushlock --features lock_api_04 --test lock_api_04`.

#![cfg(all(feature = "lock_api_04", not(pushlock_loom)))]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use lock_api_04 as lock_api;
use lock_api_04::{RawRwLock, RawRwLockDowngrade, RawRwLockTimed};
use pushlock::RawPushLock;
use tracing_mutex::lockapi::TracingWrapper;

type PushLock04<T> = lock_api::RwLock<RawPushLock, T>;
type TracedPushLock<T> = lock_api::RwLock<TracingWrapper<RawPushLock>, T>;

/// Generic over lock_api 0.4's traits only: writes, reads, downgrades and times out
/// on whichever raw lock it is given; returns the final value.
fn exercise<R>() -> u32
where
    R: RawRwLock + RawRwLockDowngrade + RawRwLockTimed<Duration = Duration>,
{
    let lock = lock_api::RwLock::<R, u32>::new(1);
    *lock.write() += 1;
    assert_eq!(*lock.read(), 2);
    {
        let write = lock.write();
        assert!(lock.is_locked());
        assert!(lock.try_read().is_none());
        assert!(lock.try_write_for(Duration::from_millis(5)).is_none());
        assert!(lock.try_read_for(Duration::from_millis(5)).is_none());
        let read = lock_api::RwLockWriteGuard::downgrade(write);
        assert_eq!(*read, 2);
        // Downgraded: shared holders get in, writers do not.
        assert!(lock.try_read_for(Duration::from_millis(5)).is_some());
        assert!(lock.try_write().is_none());
    }
    assert!(!lock.is_locked());
    let mut write = lock
        .try_write_for(Duration::from_millis(5))
        .expect("free lock");
    *write += 1;
    drop(write);
    lock.into_inner()
}

#[test]
fn generic_lock_api_04_code_runs_on_the_push_lock() {
    assert_eq!(exercise::<RawPushLock>(), 3);
}

#[test]
fn generic_lock_api_04_code_runs_on_parking_lot_0_12() {
    assert_eq!(exercise::<parking_lot_012::RawRwLock>(), 3);
}

#[test]
fn lock_api_04_rwlock_of_push_lock_is_usable_in_a_static_across_threads() {
    static COUNTER: PushLock04<u64> = PushLock04::const_new(RawPushLock::INIT, 0);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..1000 {
                    *COUNTER.write() += 1;
                    let _ = *COUNTER.read();
                }
            });
        }
    });
    assert_eq!(*COUNTER.read(), 4000);
}

#[test]
fn tracing_mutex_catches_a_lock_order_inversion_on_the_push_lock() {
    let first: TracedPushLock<u32> = TracedPushLock::new(1);
    let second: TracedPushLock<u32> = TracedPushLock::new(2);

    // Order first -> second: fine, and recorded.
    {
        let _a = first.write();
        let _b = second.read();
    }
    // The opposite order closes a cycle: tracing-mutex panics before acquiring.
    let inverted = catch_unwind(AssertUnwindSafe(|| {
        let _b = second.write();
        let _a = first.read();
    }));
    let payload = inverted.expect_err("lock-order inversion not caught");
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("");
    assert!(
        message.to_lowercase().contains("cycle"),
        "unexpected panic message: {message:?}"
    );
    // Nothing is left held: both locks are free again.
    assert!(!first.is_locked() && !second.is_locked());
    assert_eq!(*first.read() + *second.read(), 3);
}
