//! # pushlock-ffi
//!
//! The C ABI of [`pushlock`]: the kernel's push lock, `ERESOURCE`, critical-region,
//! IRQL and rundown protection calls under their `fltkernel.h` / `wdm.h` names and
//! types (SPEC C1), as a static and a shared library with a generated header,
//! `include/pushlock.h`.
//!
//! This crate only translates: it checks pointers, turns C storage into the core's
//! types and calls the core. Every misuse is a bug check (SPEC C2): the library
//! installs a bug-check handler that prints the stop screen to standard error and
//! aborts the process, so no Rust panic ever unwinds into C.
//!
//! ## Stops raised by this layer
//!
//! Besides the core's bug checks (`0xE3`, `0x16E`, `0x152`, `0xC4`/`0x3E`, …), the
//! translation layer raises `0xC4` `DRIVER_VERIFIER_DETECTED_VIOLATION` with these
//! sub-codes (parameter 1) for bad arguments:
//!
//! | sub-code | meaning | p2 | p3 |
//! |---|---|---|---|
//! | `0xF000` | a NULL pointer where an object is required | function name address | 0 |
//! | `0xF001` | an `ERESOURCE` that was never initialized | resource | signature found |
//! | `0xF002` | an `ERESOURCE` used or deleted after `ExDeleteResourceLite` | resource | signature found |
//! | `0xF003` | an owner pointer whose two low bits are not `11` | resource | owner pointer |
//! | `0xF004` | unsupported `ExSetResourceOwnerPointerEx` flags | resource | flags |

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![allow(non_snake_case, non_camel_case_types)]

mod diagnostics;
mod ex;
mod irql;
mod push_lock;
mod resource;
mod rundown;
mod spin_lock;
mod stop;
#[cfg(feature = "verifier")]
mod stress;
mod types;

pub use diagnostics::*;
pub use ex::*;
pub use irql::*;
pub use push_lock::*;
pub use resource::*;
pub use rundown::*;
pub use spin_lock::*;
#[cfg(feature = "verifier")]
pub use stress::*;
pub use types::*;
