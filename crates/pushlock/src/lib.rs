//! # pushlock
//!
//! The Windows kernel's reader/writer synchronization objects in user-mode Rust: the
//! push lock (`EX_PUSH_LOCK`, [`RawPushLock`] / [`PushLock`]) and, in later modules,
//! the executive resource (`ERESOURCE`), the Filter Manager calls around them, critical
//! regions and APCs, a lock verifier and a `!locks`-style report. The behaviour
//! contract is `SPEC.md`; every rule has an ID and a test named after it.

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

mod bugcheck;
mod push_lock;
// TODO(skeleton): drop this allow once every seam item has a user.
#[allow(dead_code, unused_imports)]
mod sys;
mod verifier;

pub use bugcheck::{BugCheck, bugcheck_name, codes, set_bugcheck_handler};
pub use push_lock::RawPushLock;
#[cfg(not(loom))]
pub use push_lock::{PushLock, PushLockReadGuard, PushLockWriteGuard};
