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

/// glibc's `pthread_rwlock_t` with default attributes, boxed so it never moves.
pub struct PthreadAdapter {
    lock: Box<UnsafeCell<libc::pthread_rwlock_t>>,
    data: UnsafeCell<Data>,
}

// SAFETY: the data is only touched between pthread lock and unlock calls, and a
// pthread rwlock may be used from any thread.
unsafe impl Send for PthreadAdapter {}
// SAFETY: as above.
unsafe impl Sync for PthreadAdapter {}

impl BenchLock for PthreadAdapter {
    const NAME: &'static str = "pthread_rwlock";
    fn new(data: Data) -> Self {
        Self {
            lock: Box::new(UnsafeCell::new(libc::PTHREAD_RWLOCK_INITIALIZER)),
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

impl Drop for PthreadAdapter {
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
