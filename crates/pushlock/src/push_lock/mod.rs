//! The push lock (`EX_PUSH_LOCK`): a one-word reader/writer lock.
//!
//! - `raw.rs`: the state word, its invariants, fast paths, queueing, waking, timed give-up.
//! - `wait_block.rs`: the wait block on each waiter's stack and list walks.
//! - `lock_api_impl.rs`: `lock_api` traits (`RawRwLock`, downgrade, timed).

#[cfg(not(loom))]
mod lock_api_impl;
mod raw;
#[cfg(all(test, not(loom)))]
mod tests;
mod wait_block;

pub use raw::RawPushLock;
#[allow(unused_imports)]
pub(crate) use raw::SPIN_LIMIT;

#[cfg(not(loom))]
/// A reader/writer lock protecting a `T`, built on [`RawPushLock`].
///
/// # Examples
///
/// ```
/// let lock = pushlock::PushLock::new(5);
/// *lock.write() += 1;
/// assert_eq!(*lock.read(), 6);
/// ```
pub type PushLock<T> = lock_api::RwLock<RawPushLock, T>;
#[cfg(not(loom))]
/// Shared access to a [`PushLock`]'s data.
///
/// # Examples
///
/// ```
/// let lock = pushlock::PushLock::new(1);
/// let guard: pushlock::PushLockReadGuard<'_, i32> = lock.read();
/// assert_eq!(*guard, 1);
/// ```
pub type PushLockReadGuard<'a, T> = lock_api::RwLockReadGuard<'a, RawPushLock, T>;
#[cfg(not(loom))]
/// Exclusive access to a [`PushLock`]'s data.
///
/// # Examples
///
/// ```
/// let lock = pushlock::PushLock::new(1);
/// let mut guard: pushlock::PushLockWriteGuard<'_, i32> = lock.write();
/// *guard = 2;
/// ```
pub type PushLockWriteGuard<'a, T> = lock_api::RwLockWriteGuard<'a, RawPushLock, T>;
