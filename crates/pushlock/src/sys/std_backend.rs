//! The real backend: std atomics, std's thread parker (futex-based on Linux).

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

pub(crate) mod atomic {
    #[allow(unused_imports)]
    pub(crate) use std::sync::atomic::fence;
    pub(crate) use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};
}

pub(crate) use std::thread::Thread;

/// A cell with loom's closure-based API, free in the real backend.
#[derive(Debug, Default)]
#[repr(transparent)]
pub(crate) struct UnsafeCell<T: ?Sized>(core::cell::UnsafeCell<T>);

#[allow(dead_code)]
impl<T> UnsafeCell<T> {
    pub(crate) const fn new(value: T) -> Self {
        Self(core::cell::UnsafeCell::new(value))
    }

    pub(crate) fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

#[allow(dead_code)]
impl<T: ?Sized> UnsafeCell<T> {
    #[inline(always)]
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    #[inline(always)]
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }

    #[inline(always)]
    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.0.get_mut()
    }
}

/// The handle of the calling thread, to store where a waker can find it.
#[inline]
pub(crate) fn current_thread() -> Thread {
    std::thread::current()
}

/// Blocks until the thread's token is made available by [`Thread::unpark`]; may wake
/// spuriously, so callers loop on their own condition.
#[inline]
pub(crate) fn park() {
    std::thread::park();
}

/// Like [`park`], but returns after `timeout` at the latest.
#[inline]
pub(crate) fn park_timeout(timeout: Duration) {
    std::thread::park_timeout(timeout);
}

/// A hint that we are in a spin-wait loop.
#[inline(always)]
pub(crate) fn spin_loop() {
    core::hint::spin_loop();
}

/// Gives the rest of the time slice away.
#[inline]
#[allow(dead_code)]
pub(crate) fn yield_now() {
    std::thread::yield_now();
}

fn names() -> &'static Mutex<HashMap<usize, String>> {
    static NAMES: OnceLock<Mutex<HashMap<usize, String>>> = OnceLock::new();
    NAMES.get_or_init(Default::default)
}

thread_local! {
    // One per thread; its address is the thread's identity. A `u64` makes it 8-aligned,
    // so the two low bits are clear and an identity is never mistaken for an owner
    // pointer (SPEC R10: those end in binary 11). `const` and without `Drop`, so taking
    // its address is a plain thread-pointer offset that works even while the thread's
    // other thread-locals are being destroyed.
    static ANCHOR: u64 = const { 0 };
    // Whether this thread's name is in `names()`.
    static REGISTERED: Cell<bool> = const { Cell::new(false) };
    // Removes the name when the thread exits (created by `register`).
    static NAME_GUARD: NameGuard = const { NameGuard };
}

struct NameGuard;

impl Drop for NameGuard {
    fn drop(&mut self) {
        let id = ANCHOR.with(|anchor| anchor as *const u64 as usize);
        if let Ok(mut names) = names().lock() {
            names.remove(&id);
        }
    }
}

/// The calling thread's identity: non-zero, 8-aligned (low two bits clear), unique
/// among live threads; reused after a thread exits, like a kernel `ETHREAD` address.
///
/// The first call on a thread records the thread's name for [`thread_name`] (one
/// global lock per thread lifetime, never per lock operation).
#[inline]
pub(crate) fn thread_id() -> usize {
    let id = ANCHOR.with(|anchor| anchor as *const u64 as usize);
    if !REGISTERED.get() {
        register(id);
    }
    id
}

#[cold]
#[inline(never)]
fn register(id: usize) {
    REGISTERED.set(true);
    let current = std::thread::current();
    let name = current
        .name()
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{:?}", current.id()));
    if let Ok(mut names) = names().lock() {
        names.insert(id, name);
    }
    // Arm the guard that removes the name at exit; if the thread is already tearing
    // down its thread-locals, the name simply stays until the id is reused.
    let _ = NAME_GUARD.try_with(|_| ());
}

/// The name of a live thread known by [`thread_id`], or `None`.
pub(crate) fn thread_name(id: usize) -> Option<String> {
    names().lock().ok()?.get(&id).cloned()
}
