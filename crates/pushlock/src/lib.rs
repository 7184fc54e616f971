#![doc = include_str!("../README.md")]
//!
//! # The manual
//!
//! ## Which lock should I use?
//!
//! | workload | use | why (measured: `cargo run --release -p lockbench`, ratio to `parking_lot::RwLock` in the same run; > 1 is faster) |
//! |---|---|---|
//! | a small `static` or per-object RW lock, writes matter, no recursion | [`PushLock`] | one word, `const fn new`, writer-preferring; write-only at 8-16 threads 0.86-0.88, 90/10 at 8-16 threads 1.07-1.15, uncontended 14/17 instructions per exclusive/shared pair (parking_lot 11/20) |
//! | almost only reads, from many cores | [`CacheAwarePushLock`] | one shard per core: read-only 8.0-8.2, 99/1 3.4 at 2 threads, where one shared word caps the single-word locks (`PushLock` 0.69-0.77); writers take every shard (uncontended exclusive 0.50) |
//! | recursion, owner queries, owner hand-off to another thread, the kernel's `ERESOURCE` semantics, deadlock reports | [`Resource`] | 20 instructions per uncontended pair (`ReentrantMutex` 26); contended 0.24-0.74, since releases hand ownership to parked waiters (R7) |
//! | plain throughput under heavy contention, or fairness, with no kernel semantics | `parking_lot` or `std` | parking_lot's writer keeps a 14-15 µs p99 wait under a 16-thread read storm where `PushLock`'s is 73 µs; `std::sync::RwLock` is as small and needs no dependency |
//!
//! The figures are the README's Performance section (2 vCPUs, shared, medians of four
//! runs of the command); `docs/lockbench.md` in the repository explains each workload.
//!
//! ## Map of the crate, with each part's design notes
//!
//! - [`RawPushLock`] / [`PushLock`] (SPEC P1-P11): the state word, its numbered
//!   invariants and memory orderings are drawn at the top of
//!   `src/push_lock/raw.rs`; queueing and waking in `src/push_lock/queue.rs`; design
//!   notes in the repository's `docs/push-lock.md`.
//! - [`CacheAwarePushLock`]: per-core shards of push locks, `src/cache_aware.rs`.
//! - [`Resource`] (SPEC R1-R13): one-word fast path, owner table, direct hand-off;
//!   `src/resource/mod.rs` and `docs/resource.md`.
//! - [`locks`] (SPEC D1, D2): the `!locks` report and its wait-for cycles;
//!   `src/diagnostics/mod.rs` and `docs/resource.md`.
//! - [`RundownRef`] (`EX_RUNDOWN_REF`): rundown protection for teardown, one word;
//!   its state and invariants at the top of `src/rundown.rs`, notes in `docs/rundown.md`.
//! - [`SpinLock`] (`KSPIN_LOCK`): raises the simulated IRQL to `DISPATCH_LEVEL` while
//!   held, so the verifier's IRQL stops name it; `src/spin_lock.rs`, `docs/spin-lock.md`.
//! - [`flt`] and [`thread`] (SPEC A1-A4): the Filter Manager calls, critical regions,
//!   APCs and the simulated IRQL; `docs/thread-flt-verifier.md`.
//! - The verifier (feature `verifier`, SPEC V1-V3) and its stop codes,
//!   [`verifier_codes`]; [`BugCheck`] and [`set_bugcheck_handler`] (SPEC B1) for misuse.
//! - `stress` (feature `verifier`, SPEC S1): a seeded schedule-shaking mode that makes
//!   races between lock calls happen in tests; `src/stress/mod.rs`.
//! - The C ABI is the companion crate `pushlock-ffi` (SPEC C1, C2).
//!
//! ## The contract
//!
//! `docs/SPEC.md` in the repository is the behaviour contract: every rule has an ID
//! (P1…, R1…, A1…, V1…, D1…, B1, C1…) that the sources cite and that names the tests
//! proving it (`grep -rn "fn r5_" crates/`).

#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

mod bugcheck;
mod cache_aware;
mod diagnostics;
pub mod ex;
pub mod flt;
mod push_lock;
mod resource;
mod rundown;
mod spin_lock;
#[cfg(all(feature = "verifier", not(pushlock_loom)))]
pub mod stress;
mod sys;
pub mod thread;
mod verifier;

pub use bugcheck::{BugCheck, bug_check, bugcheck_name, codes, set_bugcheck_handler};
pub use cache_aware::{CacheAwarePushLock, CacheAwareReadGuard, CacheAwareWriteGuard};
pub use diagnostics::{
    CycleStep, DeadlockCycle, LocksReport, OwnerSnapshot, PushLockSnapshot, ResourceSnapshot,
    WaiterSnapshot, locks,
};
pub use push_lock::RawPushLock;
#[cfg(not(pushlock_loom))]
pub use push_lock::{PushLock, PushLockReadGuard, PushLockWriteGuard};
#[doc(hidden)]
pub use resource::set_deadlock_timeouts;
pub use resource::{
    DeadlockReporter, OwnerPointer, Resource, ResourceGuard, TransferredResource,
    current_resource_thread, set_deadlock_report_units, set_deadlock_reporter,
};
pub use rundown::RundownRef;
pub use spin_lock::{LockQueueHandle, SpinLock};
pub use verifier::stops as verifier_codes;
