//! The platform seam: the only module that knows what it runs on.
//!
//! Every atomic, cell, parking call and thread identity in the crate comes from here,
//! so that `--cfg pushlock_loom` can swap in loom's model types (see `tests/loom_*.rs`) and the
//! lock algorithms never name `std::sync::atomic` or `std::thread` directly.
//!
//! What the seam offers:
//! - [`atomic`]: `AtomicUsize`, `AtomicBool`, `AtomicPtr`, `Ordering`, `fence`.
//! - [`UnsafeCell`]: loom's closure-based cell API (`with`, `with_mut`), a zero-cost
//!   shim over `core::cell::UnsafeCell` in the real backend.
//! - Parking: [`Thread`] (a handle another thread can [`Thread::unpark`]),
//!   [`current_thread`], [`park`], [`park_timeout`]. Real backend: std's thread parker,
//!   a futex on Linux, so a sleeping waiter costs no CPU (SPEC P7). Loom backend:
//!   loom's parker; `park_timeout` returns at once (a timeout that always fires), which
//!   is how the loom models reach the give-up paths of timed waits.
//! - [`spin_loop`] and [`yield_now`] for bounded spinning.
//! - Thread identity: [`thread_id`] (non-zero, low two bits clear, unique among live
//!   threads, the `ERESOURCE_THREAD` of the kernel) and [`thread_name`].

#[cfg(not(pushlock_loom))]
mod std_backend;
#[cfg(not(pushlock_loom))]
pub(crate) use std_backend::*;

#[cfg(pushlock_loom)]
mod loom_backend;
#[cfg(pushlock_loom)]
pub(crate) use loom_backend::*;
