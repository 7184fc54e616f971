//! One small adapter per lock: `read`/`write` run a closure on the protected data.
//! The harness puts every lock on its own cache line (see `workloads`).

use std::cell::UnsafeCell;

/// The protected data: a small array the short critical section works on.
pub type Data = [u64; 16];

/// A lock under test, behind one interface.
pub trait BenchLock: Send + Sync + 'static {
    /// The lock's display name.
    const NAME: &'static str;
    /// A free lock holding `data`.
    fn new(data: Data) -> Self;
    /// Runs `f` under a shared acquire.
    fn read<R>(&self, f: impl FnOnce(&Data) -> R) -> R;
    /// Runs `f` under an exclusive acquire.
    fn write<R>(&self, f: impl FnOnce(&mut Data) -> R) -> R;
}

macro_rules! guard_lock {
    ($ty:ident, $name:literal, $inner:ty, $new:expr, |$l:ident| $read:expr, $write:expr) => {
        #[doc = concat!("Adapter for ", $name, ".")]
        pub struct $ty($inner);
        impl BenchLock for $ty {
            const NAME: &'static str = $name;
            fn new(data: Data) -> Self {
                Self($new(data))
            }
            fn read<R>(&self, f: impl FnOnce(&Data) -> R) -> R {
                let $l = &self.0;
                f(&$read)
            }
            fn write<R>(&self, f: impl FnOnce(&mut Data) -> R) -> R {
                let $l = &self.0;
                f(&mut $write)
            }
        }
    };
}

guard_lock!(
    PushLockAdapter,
    "PushLock",
    pushlock::PushLock<Data>,
    pushlock::PushLock::new,
    |l| l.read(),
    l.write()
);
guard_lock!(
    CacheAwareAdapter,
    "CacheAwarePushLock",
    pushlock::CacheAwarePushLock<Data>,
    pushlock::CacheAwarePushLock::new,
    |l| l.read(),
    l.write()
);
guard_lock!(
    StdAdapter,
    "std::RwLock",
    std::sync::RwLock<Data>,
    std::sync::RwLock::new,
    |l| l.read().unwrap(),
    l.write().unwrap()
);
guard_lock!(
    ParkingLotAdapter,
    "parking_lot",
    parking_lot::RwLock<Data>,
    parking_lot::RwLock::new,
    |l| l.read(),
    l.write()
);
/// `parking_lot::RwLock` released with `unlock_fair` every time: the peer with the
/// resource's direct hand-off (R7) semantics.
pub struct ParkingLotFairAdapter(parking_lot::RwLock<Data>);

impl BenchLock for ParkingLotFairAdapter {
    const NAME: &'static str = "parking_lot(fair)";
    fn new(data: Data) -> Self {
        Self(parking_lot::RwLock::new(data))
    }
    fn read<R>(&self, f: impl FnOnce(&Data) -> R) -> R {
        let guard = self.0.read();
        let out = f(&guard);
        parking_lot::RwLockReadGuard::unlock_fair(guard);
        out
    }
    fn write<R>(&self, f: impl FnOnce(&mut Data) -> R) -> R {
        let mut guard = self.0.write();
        let out = f(&mut guard);
        parking_lot::RwLockWriteGuard::unlock_fair(guard);
        out
    }
}

guard_lock!(
    UsyncAdapter,
    "usync",
    usync::RwLock<Data>,
    usync::RwLock::new,
    |l| l.read(),
    l.write()
);
guard_lock!(
    ShardedAdapter,
    "crossbeam::ShardedLock",
    crossbeam_utils::sync::ShardedLock<Data>,
    crossbeam_utils::sync::ShardedLock::new,
    |l| l.read().unwrap(),
    l.write().unwrap()
);
guard_lock!(
    SpinAdapter,
    "spin::RwLock",
    spin::RwLock<Data>,
    spin::RwLock::new,
    |l| l.read(),
    l.write()
);

/// glibc's `pthread_rwlock_t`, boxed so it never moves: with default attributes
/// (`PREFER_WRITER = false`, reader-preferring) or with the kind
/// `PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP` (`true`), glibc's writer-preferring
/// rwlock, the peer to judge the push lock's writer preference (P3) against.
pub struct PthreadRwLock<const PREFER_WRITER: bool> {
    lock: Box<UnsafeCell<libc::pthread_rwlock_t>>,
    data: UnsafeCell<Data>,
}

/// glibc's default (reader-preferring) rwlock.
pub type PthreadAdapter = PthreadRwLock<false>;
/// glibc's writer-preferring rwlock (`PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP`).
pub type PthreadWriterAdapter = PthreadRwLock<true>;

/// glibc's value of `PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP` (`<pthread.h>`; the
/// libc crate does not export it for gnu targets).
const PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP: libc::c_int = 2;

// SAFETY: the data is only touched between pthread lock and unlock calls, and a
// pthread rwlock may be used from any thread.
unsafe impl<const W: bool> Send for PthreadRwLock<W> {}
// SAFETY: as above.
unsafe impl<const W: bool> Sync for PthreadRwLock<W> {}

impl<const PREFER_WRITER: bool> BenchLock for PthreadRwLock<PREFER_WRITER> {
    const NAME: &'static str = if PREFER_WRITER {
        "pthread_rwlock_writer"
    } else {
        "pthread_rwlock"
    };
    fn new(data: Data) -> Self {
        let lock = Box::new(UnsafeCell::new(libc::PTHREAD_RWLOCK_INITIALIZER));
        if PREFER_WRITER {
            let mut attr = std::mem::MaybeUninit::<libc::pthread_rwlockattr_t>::uninit();
            // SAFETY: `attr` is initialised by the first call before the others use it,
            // and destroyed after the lock was initialised with it; `lock` is pinned in
            // its box and not yet in use.
            unsafe {
                assert_eq!(libc::pthread_rwlockattr_init(attr.as_mut_ptr()), 0);
                assert_eq!(
                    libc::pthread_rwlockattr_setkind_np(
                        attr.as_mut_ptr(),
                        PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP,
                    ),
                    0
                );
                assert_eq!(libc::pthread_rwlock_init(lock.get(), attr.as_ptr()), 0);
                libc::pthread_rwlockattr_destroy(attr.as_mut_ptr());
            }
        }
        Self {
            lock,
            data: UnsafeCell::new(data),
        }
    }
    fn read<R>(&self, f: impl FnOnce(&Data) -> R) -> R {
        // SAFETY: the lock is initialised and pinned in its box.
        assert_eq!(unsafe { libc::pthread_rwlock_rdlock(self.lock.get()) }, 0);
        // SAFETY: read-locked: no writer holds the data.
        let out = f(unsafe { &*self.data.get() });
        // SAFETY: this thread holds the read lock.
        unsafe { libc::pthread_rwlock_unlock(self.lock.get()) };
        out
    }
    fn write<R>(&self, f: impl FnOnce(&mut Data) -> R) -> R {
        // SAFETY: the lock is initialised and pinned in its box.
        assert_eq!(unsafe { libc::pthread_rwlock_wrlock(self.lock.get()) }, 0);
        // SAFETY: write-locked: this thread alone holds the data.
        let out = f(unsafe { &mut *self.data.get() });
        // SAFETY: this thread holds the write lock.
        unsafe { libc::pthread_rwlock_unlock(self.lock.get()) };
        out
    }
}

impl<const W: bool> Drop for PthreadRwLock<W> {
    fn drop(&mut self) {
        // SAFETY: no thread holds the lock any more (we own it).
        unsafe { libc::pthread_rwlock_destroy(self.lock.get()) };
    }
}

/// The executive resource (`ERESOURCE`) through its guard-free `_lite` calls.
#[cfg(feature = "resource")]
pub struct ResourceAdapter {
    resource: pushlock::Resource,
    data: UnsafeCell<Data>,
}

// SAFETY: the data is only touched while the resource is held.
#[cfg(feature = "resource")]
unsafe impl Send for ResourceAdapter {}
// SAFETY: as above.
#[cfg(feature = "resource")]
unsafe impl Sync for ResourceAdapter {}

#[cfg(feature = "resource")]
impl BenchLock for ResourceAdapter {
    const NAME: &'static str = "Resource";
    fn new(data: Data) -> Self {
        Self {
            resource: pushlock::Resource::new(),
            data: UnsafeCell::new(data),
        }
    }
    fn read<R>(&self, f: impl FnOnce(&Data) -> R) -> R {
        assert!(self.resource.acquire_shared_lite(true));
        // SAFETY: held shared: no exclusive owner touches the data.
        let out = f(unsafe { &*self.data.get() });
        self.resource.release_lite();
        out
    }
    fn write<R>(&self, f: impl FnOnce(&mut Data) -> R) -> R {
        assert!(self.resource.acquire_exclusive_lite(true));
        // SAFETY: held exclusive: this thread alone touches the data.
        let out = f(unsafe { &mut *self.data.get() });
        self.resource.release_lite();
        out
    }
}

/// Every lock name `--locks` accepts, in table order.
pub fn all_lock_names() -> Vec<&'static str> {
    let mut names = vec![
        PushLockAdapter::NAME,
        CacheAwareAdapter::NAME,
        #[cfg(feature = "resource")]
        ResourceAdapter::NAME,
        StdAdapter::NAME,
        ParkingLotAdapter::NAME,
        ParkingLotFairAdapter::NAME,
        UsyncAdapter::NAME,
        PthreadAdapter::NAME,
        PthreadWriterAdapter::NAME,
        ShardedAdapter::NAME,
        SpinAdapter::NAME,
    ];
    names.dedup();
    names
}

/// Calls `$body` with `$L` bound to the adapter type named `$name`.
#[macro_export]
macro_rules! with_lock {
    ($name:expr, $L:ident => $body:expr) => {{
        use $crate::adapters::*;
        match $name {
            n if n == PushLockAdapter::NAME => {
                type $L = PushLockAdapter;
                $body
            }
            n if n == CacheAwareAdapter::NAME => {
                type $L = CacheAwareAdapter;
                $body
            }
            #[cfg(feature = "resource")]
            n if n == ResourceAdapter::NAME => {
                type $L = ResourceAdapter;
                $body
            }
            n if n == StdAdapter::NAME => {
                type $L = StdAdapter;
                $body
            }
            n if n == ParkingLotAdapter::NAME => {
                type $L = ParkingLotAdapter;
                $body
            }
            n if n == ParkingLotFairAdapter::NAME => {
                type $L = ParkingLotFairAdapter;
                $body
            }
            n if n == UsyncAdapter::NAME => {
                type $L = UsyncAdapter;
                $body
            }
            n if n == PthreadAdapter::NAME => {
                type $L = PthreadAdapter;
                $body
            }
            n if n == PthreadWriterAdapter::NAME => {
                type $L = PthreadWriterAdapter;
                $body
            }
            n if n == ShardedAdapter::NAME => {
                type $L = ShardedAdapter;
                $body
            }
            n if n == SpinAdapter::NAME => {
                type $L = SpinAdapter;
                $body
            }
            other => panic!("unknown lock {other}"),
        }
    }};
}
