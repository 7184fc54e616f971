//! Bug checks through C: the abort handler and the argument checks.

use std::sync::{Arc, Once};

use pushlock::{BugCheck, codes};

/// Sub-codes of `0xC4` raised by this layer (see the crate doc's table).
pub(crate) const NULL_POINTER: usize = 0xF000;
pub(crate) const UNINITIALIZED_RESOURCE: usize = 0xF001;
pub(crate) const DELETED_RESOURCE: usize = 0xF002;
pub(crate) const BAD_OWNER_POINTER: usize = 0xF003;
pub(crate) const BAD_OWNER_FLAGS: usize = 0xF004;

/// Installs, once per process, the handler that prints the stop screen and aborts:
/// through C a bug check ends the process, as it ends the machine in the kernel.
#[inline]
pub(crate) fn install_abort_handler() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        pushlock::set_bugcheck_handler(Some(Arc::new(|check: &BugCheck| {
            eprintln!("{check}");
            std::process::abort();
        })));
    });
}

/// Raises `0xC4` with one of this layer's sub-codes.
#[cold]
pub(crate) fn stop(sub_code: usize, p2: usize, p3: usize, message: String) -> ! {
    install_abort_handler();
    pushlock::bug_check(
        codes::DRIVER_VERIFIER_DETECTED_VIOLATION,
        [sub_code, p2, p3, 0],
        message,
    )
}

/// Every export starts here: installs the handler and rejects NULL.
#[inline]
pub(crate) fn enter<T>(pointer: *mut T, function: &'static str) -> *mut T {
    install_abort_handler();
    if pointer.is_null() {
        null_pointer(function);
    }
    pointer
}

#[cold]
fn null_pointer(function: &'static str) -> ! {
    stop(
        NULL_POINTER,
        function.as_ptr() as usize,
        0,
        format!("{function}: NULL pointer passed where an object is required"),
    )
}
