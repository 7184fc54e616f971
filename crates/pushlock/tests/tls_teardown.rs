#![cfg(not(pushlock_loom))]
//! Regression (a lock taken in a thread-local destructor): modelled on parking_lot's
//! test for its issue 203. A thread-local whose destructor takes a lock runs after the
//! crate's own thread-locals (critical-region depth, IRQL, held-lock list, the APC
//! queue) were destroyed; under the verifier the acquire's IRQL check read a destroyed
//! thread-local, panicked in a destructor, and the process aborted. Every lock kind and
//! the `flt` calls must work then, in both builds: depth and IRQL stay readable, the
//! held-lock list and APC delivery degrade to "not tracked" (docs/thread-flt-verifier.md).

use std::cell::RefCell;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use pushlock::{CacheAwarePushLock, PushLock, RawPushLock, Resource, flt};

mod support;
use support::Watchdog;

/// Runs `work` from a thread-local destructor that runs after the crate's own
/// thread-locals are gone: the late local is registered first, then the crate's
/// locals are created by `warm_up`, and destructors run in reverse order.
fn in_late_tls_destructor(work: fn()) {
    struct Late(fn(), Arc<AtomicBool>);
    impl Drop for Late {
        fn drop(&mut self) {
            (self.0)();
            self.1.store(true, Ordering::SeqCst);
        }
    }
    thread_local! {
        static LATE: RefCell<Option<Late>> = const { RefCell::new(None) };
    }
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    thread::spawn(move || {
        LATE.with(|late| *late.borrow_mut() = Some(Late(work, flag)));
        warm_up();
    })
    .join()
    .expect("the thread exits cleanly");
    assert!(done.load(Ordering::SeqCst), "the destructor ran to its end");
}

/// Touches every thread-local the lock paths use, so that each is created (and so
/// destroyed before the late one).
fn warm_up() {
    let lock = RawPushLock::new();
    flt::acquire_push_lock_exclusive(&lock);
    // SAFETY: held exclusive by this thread just above.
    unsafe { flt::release_push_lock(&lock) };
    let resource = Resource::new();
    flt::acquire_resource_shared(&resource);
    flt::release_resource(&resource);
    drop(pushlock::thread::current());
    let old = pushlock::thread::raise_irql(pushlock::thread::Irql::APC_LEVEL);
    pushlock::thread::lower_irql(old);
    drop(CacheAwarePushLock::new(0).write());
}

#[test]
fn tls_destructor_takes_a_push_lock() {
    let _w = Watchdog::start(60);
    in_late_tls_destructor(|| {
        static LOCK: PushLock<u32> = PushLock::new(0);
        *LOCK.write() += 1;
        assert_eq!(*LOCK.read(), *LOCK.read());
        assert!(LOCK.try_write().is_some());
    });
}

#[test]
fn tls_destructor_takes_a_resource() {
    let _w = Watchdog::start(60);
    in_late_tls_destructor(|| {
        let resource = Resource::new();
        {
            let _outer = resource.acquire_exclusive();
            let _inner = resource.acquire_exclusive(); // R2 recursion: the owner table
            assert!(resource.is_acquired_exclusive());
        }
        let _shared = resource.acquire_shared();
        assert_eq!(resource.shared_count(), 1);
        let _report = pushlock::locks().to_string();
    });
}

#[test]
fn tls_destructor_takes_a_cache_aware_push_lock() {
    let _w = Watchdog::start(60);
    in_late_tls_destructor(|| {
        let lock = CacheAwarePushLock::new(1u32);
        *lock.write() += 1;
        assert_eq!(*lock.read(), 2);
    });
}

#[test]
fn tls_destructor_uses_the_flt_calls_and_thread_state() {
    let _w = Watchdog::start(60);
    in_late_tls_destructor(|| {
        let lock = RawPushLock::new();
        flt::acquire_push_lock_shared(&lock);
        // SAFETY: held shared by this thread just above.
        unsafe { flt::release_push_lock(&lock) };
        flt::acquire_push_lock_exclusive(&lock);
        // SAFETY: held exclusive by this thread just above.
        unsafe { flt::release_push_lock(&lock) };
        let resource = Resource::new();
        flt::acquire_resource_exclusive(&resource);
        flt::release_resource(&resource);
        // The thread state itself: regions still nest, the IRQL still reads back, an
        // APC queued to an exiting thread is dropped, not run and not leaked.
        use pushlock::thread::{self as t, Irql};
        t::enter_critical_region();
        t::leave_critical_region();
        let old = t::raise_irql(Irql::DISPATCH_LEVEL);
        assert_eq!(t::current_irql(), Irql::DISPATCH_LEVEL);
        t::lower_irql(old);
        let me = t::current();
        t::queue_apc(&me, || panic!("an APC ran during thread exit"));
        assert!(!t::test_alert());
    });
}
