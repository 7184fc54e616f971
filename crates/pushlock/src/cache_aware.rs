//! The cache-aware push lock (SPEC P11): one [`RawPushLock`] per slot, each on its own
//! 128-byte line. A shared acquire touches only the caller's slot; an exclusive
//! acquire takes every slot in index order and releases them in reverse.
//!
//! ```text
//!   shards: [ line 0: RawPushLock ][ line 1: RawPushLock ] ... [ line n-1 ]
//!   reader on slot k : acquire_shared(k) .............. release(k)
//!   writer           : acquire_exclusive(0), (1), .. (n-1) ... release(n-1) .. (0)
//! ```
//!
//! ## Invariants
//! 1. A reader holds exactly one shard shared, the one its guard remembers.
//! 2. A writer holds every shard exclusive, so no reader on any shard overlaps it.
//! 3. Writers take shards in ascending index order only, so two writers cannot
//!    deadlock (the one that wins shard 0 wins the rest).
//! 4. A writer whose acquire of shard k unwinds (a verifier stop, a bug check)
//!    releases shards 0..k before the unwind leaves `write`: no shard stays held
//!    without a guard.
//!
//! ## Memory orderings
//! This file adds no atomics of its own for the lock protocol: the orderings are the
//! push lock's (acquire on acquire, release on release). The slot counter that hands
//! out thread slots is `Relaxed`: it is a load-spreading hint, no data hangs off it.

use crate::push_lock::RawPushLock;
use crate::sys::UnsafeCell;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};

/// One push lock alone on a 128-byte line (two 64-byte lines: adjacent-line prefetch).
#[repr(align(128))]
#[derive(Debug, Default)]
struct Shard {
    lock: RawPushLock,
}

/// A reader/writer lock that spreads readers over per-slot push locks (SPEC P11).
///
/// Readers on different slots never write the same cache line, so read-mostly data
/// scales with the core count; a writer pays for taking every slot.
///
/// # Examples
///
/// ```
/// use pushlock::CacheAwarePushLock;
///
/// let lock = CacheAwarePushLock::new(5);
/// {
///     let r = lock.read();
///     assert_eq!(*r, 5);
/// }
/// *lock.write() += 1;
/// assert_eq!(*lock.read(), 6);
/// ```
pub struct CacheAwarePushLock<T: ?Sized> {
    shards: Box<[Shard]>,
    data: UnsafeCell<T>,
}

// SAFETY: like `RwLock<T>`: moving the lock moves the `T` (needs `T: Send`).
unsafe impl<T: ?Sized + Send> Send for CacheAwarePushLock<T> {}
// SAFETY: like `RwLock<T>`: readers on several threads share `&T` (needs `T: Sync`)
// and a writer may mutate it from any thread (needs `T: Send`).
unsafe impl<T: ?Sized + Send + Sync> Sync for CacheAwarePushLock<T> {}

/// The default slot count: available parallelism rounded up to a power of two,
/// clamped to `2..=64`.
fn default_shard_count() -> usize {
    #[cfg(pushlock_loom)]
    {
        2
    }
    #[cfg(not(pushlock_loom))]
    {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        cpus.next_power_of_two().clamp(2, 64)
    }
}

/// The calling thread's slot number (not yet reduced to a shard index).
#[cfg(not(pushlock_loom))]
fn current_slot() -> usize {
    use crate::sys::atomic::{AtomicUsize, Ordering};
    use std::cell::Cell;
    static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);
    std::thread_local! {
        static SLOT: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    SLOT.with(|slot| {
        if slot.get() == usize::MAX {
            // Relaxed: a round-robin hint only; nothing is published through it.
            slot.set(NEXT_SLOT.fetch_add(1, Ordering::Relaxed));
        }
        slot.get()
    })
}

/// The calling thread's slot number (loom: from the model's thread id).
#[cfg(pushlock_loom)]
fn current_slot() -> usize {
    crate::sys::thread_id() >> 3
}

impl<T> CacheAwarePushLock<T> {
    /// A free lock with one slot per CPU (rounded up to a power of two, `2..=64`).
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::CacheAwarePushLock::new(vec![1, 2]);
    /// assert!(lock.shard_count() >= 2);
    /// ```
    pub fn new(value: T) -> Self {
        Self::with_shards(default_shard_count(), value)
    }

    /// A free lock with `shards` slots.
    ///
    /// # Panics
    ///
    /// If `shards` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::CacheAwarePushLock::with_shards(4, 0u32);
    /// assert_eq!(lock.shard_count(), 4);
    /// ```
    pub fn with_shards(shards: usize, value: T) -> Self {
        assert!(shards > 0, "CacheAwarePushLock needs at least one shard");
        Self {
            shards: (0..shards).map(|_| Shard::default()).collect(),
            data: UnsafeCell::new(value),
        }
    }

    /// The protected value, consuming the lock.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::CacheAwarePushLock::new(3);
    /// assert_eq!(lock.into_inner(), 3);
    /// ```
    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }
}

impl<T: ?Sized> CacheAwarePushLock<T> {
    /// How many slots (push locks) the lock has.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::CacheAwarePushLock::with_shards(2, ());
    /// assert_eq!(lock.shard_count(), 2);
    /// ```
    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }

    /// Shared access: acquires only the calling thread's slot.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::CacheAwarePushLock::new(1);
    /// let a = lock.read();
    /// let b = lock.read();
    /// assert_eq!(*a + *b, 2);
    /// ```
    pub fn read(&self) -> CacheAwareReadGuard<'_, T> {
        self.read_on_index(self.shard_of(current_slot()))
    }

    /// `slot` reduced to a shard index: a mask for the usual power-of-two count (no
    /// division on the read path), a remainder otherwise.
    #[inline]
    fn shard_of(&self, slot: usize) -> usize {
        let count = self.shards.len();
        if count.is_power_of_two() {
            slot & (count - 1)
        } else {
            slot % count
        }
    }

    /// Shared access on shard `shard`, already reduced below the shard count.
    #[inline]
    fn read_on_index(&self, shard: usize) -> CacheAwareReadGuard<'_, T> {
        self.shards[shard].lock.acquire_shared();
        CacheAwareReadGuard {
            lock: self,
            shard,
            _not_send: PhantomData,
        }
    }

    /// Shared access on slot `shard` (modulo the slot count). For models and tests
    /// that must choose the slot; [`read`](Self::read) picks it per thread.
    #[doc(hidden)]
    pub fn read_on_shard(&self, shard: usize) -> CacheAwareReadGuard<'_, T> {
        self.read_on_index(self.shard_of(shard))
    }

    /// Shared access if the caller's slot is free of writers now.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::CacheAwarePushLock::new(1);
    /// let w = lock.write();
    /// assert!(lock.try_read().is_none());
    /// drop(w);
    /// assert!(lock.try_read().is_some());
    /// ```
    pub fn try_read(&self) -> Option<CacheAwareReadGuard<'_, T>> {
        let shard = self.shard_of(current_slot());
        self.shards[shard]
            .lock
            .try_acquire_shared()
            // Lazily: a guard built on failure would release a slot it never took.
            .then(|| CacheAwareReadGuard {
                lock: self,
                shard,
                _not_send: PhantomData,
            })
    }

    /// Exclusive access: acquires every slot in index order.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::CacheAwarePushLock::new(String::new());
    /// lock.write().push_str("hi");
    /// assert_eq!(&*lock.read(), "hi");
    /// ```
    pub fn write(&self) -> CacheAwareWriteGuard<'_, T> {
        let mut taken = TakenShards {
            shards: &self.shards,
            count: 0,
        };
        for shard in self.shards.iter() {
            shard.lock.acquire_exclusive();
            taken.count += 1;
        }
        // Every slot is held: the guard releases them from here on.
        core::mem::forget(taken);
        CacheAwareWriteGuard {
            lock: self,
            _not_send: PhantomData,
        }
    }

    /// Exclusive access if every slot is free now; on failure releases the slots it
    /// took (in reverse) and returns `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// let lock = pushlock::CacheAwarePushLock::new(1);
    /// let r = lock.read();
    /// assert!(lock.try_write().is_none());
    /// drop(r);
    /// assert!(lock.try_write().is_some());
    /// ```
    pub fn try_write(&self) -> Option<CacheAwareWriteGuard<'_, T>> {
        for (index, shard) in self.shards.iter().enumerate() {
            if !shard.lock.try_acquire_exclusive() {
                for taken in self.shards[..index].iter().rev() {
                    // SAFETY: this call acquired `taken` exclusive just above.
                    unsafe { taken.lock.release() };
                }
                return None;
            }
        }
        Some(CacheAwareWriteGuard {
            lock: self,
            _not_send: PhantomData,
        })
    }

    /// Whether slot `shard` is held (shared or exclusive). For tests.
    #[doc(hidden)]
    pub fn shard_is_locked(&self, shard: usize) -> bool {
        self.shards[shard].lock.is_locked()
    }

    /// Whether slot `shard` is held exclusive. For tests.
    #[doc(hidden)]
    pub fn shard_is_locked_exclusive(&self, shard: usize) -> bool {
        self.shards[shard].lock.is_locked_exclusive()
    }
}

impl<T: Default> Default for CacheAwarePushLock<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: ?Sized> core::fmt::Debug for CacheAwarePushLock<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CacheAwarePushLock")
            .field("shards", &self.shards.len())
            .finish_non_exhaustive()
    }
}

/// The slots a `write` has taken so far. Dropped only if an acquire unwinds (a
/// verifier stop on a later slot, say): it releases them in reverse, so a caught stop
/// leaves no slot held with no guard to release it (invariant 4).
struct TakenShards<'a> {
    shards: &'a [Shard],
    count: usize,
}

impl Drop for TakenShards<'_> {
    fn drop(&mut self) {
        for shard in self.shards[..self.count].iter().rev() {
            // SAFETY: `write` acquired each of the first `count` slots exclusive and
            // has not built its guard; each is released once, here.
            unsafe { shard.lock.release() };
        }
    }
}

/// Shared access to a [`CacheAwarePushLock`]'s data; releases its slot on drop.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct CacheAwareReadGuard<'a, T: ?Sized> {
    lock: &'a CacheAwarePushLock<T>,
    shard: usize,
    /// `!Send`, like `std`'s guards: the push lock is released by the thread that
    /// acquired it (the verifier tracks holds per thread).
    _not_send: PhantomData<*const ()>,
}

impl<T: ?Sized> CacheAwareReadGuard<'_, T> {
    /// The slot this guard holds shared.
    #[doc(hidden)]
    pub fn shard(&self) -> usize {
        self.shard
    }
}

// SAFETY: a read guard hands out `&T` only, so sharing it needs `T: Sync`.
unsafe impl<T: ?Sized + Sync> Sync for CacheAwareReadGuard<'_, T> {}

impl<T: ?Sized> Deref for CacheAwareReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard holds a shard shared, so no writer (which needs every
        // shard exclusive) can exist until it drops (invariants 1, 2).
        self.lock.data.with(|data| unsafe { &*data })
    }
}

impl<T: ?Sized> Drop for CacheAwareReadGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: this guard acquired `shard` shared and releases it once.
        unsafe { self.lock.shards[self.shard].lock.release() };
    }
}

/// Exclusive access to a [`CacheAwarePushLock`]'s data; releases every slot (in
/// reverse index order) on drop.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct CacheAwareWriteGuard<'a, T: ?Sized> {
    lock: &'a CacheAwarePushLock<T>,
    /// `!Send`: released by the acquiring thread (see [`CacheAwareReadGuard`]).
    _not_send: PhantomData<*const ()>,
}

// SAFETY: a write guard hands out `&T` through `&self`, so sharing it needs `T: Sync`.
unsafe impl<T: ?Sized + Sync> Sync for CacheAwareWriteGuard<'_, T> {}

impl<T: ?Sized> Deref for CacheAwareWriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: this guard holds every shard exclusive (invariant 2).
        self.lock.data.with(|data| unsafe { &*data })
    }
}

impl<T: ?Sized> DerefMut for CacheAwareWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: this guard holds every shard exclusive (invariant 2), and `&mut self`
        // makes this the only reference through the guard.
        self.lock.data.with_mut(|data| unsafe { &mut *data })
    }
}

impl<T: ?Sized> Drop for CacheAwareWriteGuard<'_, T> {
    fn drop(&mut self) {
        for shard in self.lock.shards.iter().rev() {
            // SAFETY: this guard acquired every shard exclusive; each is released once.
            unsafe { shard.lock.release() };
        }
    }
}
