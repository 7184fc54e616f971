//! The push lock (`EX_PUSH_LOCK`): a one-word reader/writer lock (SPEC P1-P8).
//!
//! - `raw.rs`: the state word, its invariants and the one-CAS fast paths.
//! - `queue.rs`: queueing, parking, waking (P8), the list lock, timed unlink.
//! - `unwind_tests.rs`: faults injected while a wait block is linked (lib tests only).
//! - `word_tests.rs`: the word's pure transition functions over every small word.
//! - `wait_block.rs`: the wait block each queued thread keeps on its stack.
//! - `lock_api_impl.rs`: `lock_api::RawRwLock`, `RawRwLockDowngrade`, `RawRwLockTimed`.
//! - `lock_api_04.rs`: the same three traits of lock_api 0.4 (feature `lock_api_04`).
//! - `model_api.rs`: loom-only twins of downgrade and the timed acquires.

#[cfg(all(feature = "lock_api_04", not(pushlock_loom)))]
mod lock_api_04;
#[cfg(not(pushlock_loom))]
mod lock_api_impl;
#[cfg(pushlock_loom)]
mod model_api;
mod queue;
mod raw;
#[cfg(all(test, not(pushlock_loom)))]
mod unwind_tests;
mod wait_block;
#[cfg(test)]
mod word_tests;

pub use raw::RawPushLock;
#[allow(unused_imports)]
pub(crate) use raw::SPIN_LIMIT;

#[cfg(not(pushlock_loom))]
/// A reader/writer lock protecting a `T`, built on [`RawPushLock`].
///
/// # Examples
///
/// ```
/// use pushlock::PushLock;
///
/// static COUNTER: PushLock<u64> = PushLock::new(0);
/// *COUNTER.write() += 1;
/// assert_eq!(*COUNTER.read(), 1);
/// ```
pub type PushLock<T> = lock_api::RwLock<RawPushLock, T>;
#[cfg(not(pushlock_loom))]
/// Shared access to a [`PushLock`]'s data.
///
/// # Examples
///
/// ```
/// let lock = pushlock::PushLock::new(5);
/// let guard: pushlock::PushLockReadGuard<'_, i32> = lock.read();
/// assert_eq!(*guard, 5);
/// ```
pub type PushLockReadGuard<'a, T> = lock_api::RwLockReadGuard<'a, RawPushLock, T>;
#[cfg(not(pushlock_loom))]
/// Exclusive access to a [`PushLock`]'s data.
///
/// # Examples
///
/// ```
/// let lock = pushlock::PushLock::new(5);
/// let mut guard: pushlock::PushLockWriteGuard<'_, i32> = lock.write();
/// *guard += 1;
/// drop(guard);
/// assert_eq!(*lock.read(), 6);
/// ```
pub type PushLockWriteGuard<'a, T> = lock_api::RwLockWriteGuard<'a, RawPushLock, T>;
