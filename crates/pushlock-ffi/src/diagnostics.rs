//! Calls no kernel has, for C unit tests: intercept a bug check
//! (`PushLockSetBugCheckHandler`) and read the `!locks`-style report
//! (`PushLockFormatLocks`, `PushLockPrintLocks`).

use core::ffi::c_char;

use crate::stop::{guarded, install_abort_handler, set_c_handler};
use crate::types::{PUSHLOCK_BUGCHECK_HANDLER, PVOID};

/// `PushLockSetBugCheckHandler`: every later bug check (misuse, a verifier stop) is
/// shown to `Handler` with `Context` instead of printing the stop screen and aborting.
/// When `Handler` returns, the call that bug-checked returns to its caller at once
/// without finishing (`FALSE`, 0, `STATUS_UNSUCCESSFUL` or nothing), so a C test can
/// check a misuse without forking. `NULL` restores the default: print and abort.
///
/// The handler may run on any thread that bug-checks, and must not call back into
/// this library.
#[unsafe(no_mangle)]
pub extern "C" fn PushLockSetBugCheckHandler(Handler: PUSHLOCK_BUGCHECK_HANDLER, Context: PVOID) {
    guarded(|| set_c_handler(Handler, Context))
}

/// `PushLockFormatLocks`: writes the `!locks` report (owned and waited-on locks,
/// owners, waiters, deadlock cycles) into `Buffer` as a NUL-terminated string,
/// truncated to `BufferLength - 1` bytes, like `snprintf`; returns the report's full
/// length without the NUL. With `BufferLength` 0 (`Buffer` may then be `NULL`) it only
/// returns the length.
///
/// # Safety
///
/// `Buffer` points to `BufferLength` writable bytes (or `BufferLength` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PushLockFormatLocks(Buffer: *mut c_char, BufferLength: usize) -> usize {
    guarded(|| {
        install_abort_handler();
        let report = pushlock::locks().to_string();
        if BufferLength > 0 {
            let buffer = crate::stop::enter(Buffer, "PushLockFormatLocks");
            let copied = report.len().min(BufferLength - 1);
            // SAFETY: `buffer` is non-null (checked) with `BufferLength` writable bytes
            // (this fn's contract); `copied + 1 <= BufferLength`; the source is a
            // distinct Rust allocation.
            unsafe {
                core::ptr::copy_nonoverlapping(report.as_ptr(), buffer.cast::<u8>(), copied);
                buffer.add(copied).write(0);
            }
        }
        report.len()
    })
}

/// `PushLockPrintLocks`: prints the `!locks` report to standard output.
#[unsafe(no_mangle)]
pub extern "C" fn PushLockPrintLocks() {
    guarded(|| {
        install_abort_handler();
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", pushlock::locks());
        let _ = out.flush();
    })
}
