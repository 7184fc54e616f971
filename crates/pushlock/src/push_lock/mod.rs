//! The push lock (`EX_PUSH_LOCK`): a one-word reader/writer lock.

mod raw;

pub use raw::RawPushLock;

#[cfg(not(loom))]
/// A reader/writer lock protecting a `T`, built on [`RawPushLock`].
pub type PushLock<T> = lock_api::RwLock<RawPushLock, T>;
#[cfg(not(loom))]
/// Shared access to a [`PushLock`]'s data.
pub type PushLockReadGuard<'a, T> = lock_api::RwLockReadGuard<'a, RawPushLock, T>;
#[cfg(not(loom))]
/// Exclusive access to a [`PushLock`]'s data.
pub type PushLockWriteGuard<'a, T> = lock_api::RwLockWriteGuard<'a, RawPushLock, T>;
