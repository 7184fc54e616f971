//! Bug checks through C: the handler (the C program's, or print and abort), the
//! unwind guard every export runs in, and the argument checks.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Once, RwLock};

use pushlock::{BugCheck, codes};

use crate::types::{PUSHLOCK_BUGCHECK_HANDLER, PVOID, ULONG, ULONG_PTR};

/// Sub-codes of `0xC4` raised by this layer (see the crate doc's table).
pub(crate) const NULL_POINTER: usize = 0xF000;
pub(crate) const UNINITIALIZED_RESOURCE: usize = 0xF001;
pub(crate) const DELETED_RESOURCE: usize = 0xF002;
pub(crate) const BAD_OWNER_POINTER: usize = 0xF003;
pub(crate) const BAD_OWNER_FLAGS: usize = 0xF004;

/// The C program's bug-check handler and its context, if it installed one.
#[derive(Clone, Copy)]
struct CHandler {
    function: unsafe extern "C" fn(
        ULONG,
        ULONG_PTR,
        ULONG_PTR,
        ULONG_PTR,
        ULONG_PTR,
        *const core::ffi::c_char,
        PVOID,
    ),
    context: usize,
}

static C_HANDLER: RwLock<Option<CHandler>> = RwLock::new(None);

/// Installs `handler` (with `context`) as the C program's bug-check handler, or with
/// `None` restores the default: print the stop screen and abort.
pub(crate) fn set_c_handler(handler: PUSHLOCK_BUGCHECK_HANDLER, context: PVOID) {
    install_abort_handler();
    let handler = handler.map(|function| CHandler {
        function,
        context: context as usize,
    });
    *C_HANDLER
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = handler;
}

/// Installs, once per process, the core's bug-check handler for C: it calls the C
/// program's handler when there is one (returning means "continue": the export that
/// bug-checked returns to its caller, see [`guarded`]), else prints the stop screen
/// and aborts, as a bug check ends the machine in the kernel.
#[inline]
pub(crate) fn install_abort_handler() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        pushlock::set_bugcheck_handler(Some(Arc::new(show_to_c)));
        // A bug check the C handler continued from unwinds to the export's guard; the
        // handler saw it already, so the panic hook stays quiet for it.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<BugCheck>().is_none() {
                previous(info);
            }
        }));
    });
}

fn show_to_c(check: &BugCheck) {
    let handler = *C_HANDLER
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let Some(handler) = handler else {
        eprintln!("{check}");
        std::process::abort();
    };
    let [p1, p2, p3, p4] = check.parameters();
    let text = std::ffi::CString::new(check.to_string().replace('\0', " ")).expect("NULs replaced");
    // SAFETY: the C program registered `function` for exactly this call; the
    // parameter array and the text outlive the call.
    unsafe {
        (handler.function)(
            check.code(),
            p1,
            p2,
            p3,
            p4,
            text.as_ptr(),
            handler.context as PVOID,
        )
    };
}

/// What an export returns when the C handler continued from a bug check in it.
pub(crate) trait ValueAfterStop {
    /// `FALSE`, 0, `STATUS_UNSUCCESSFUL` or nothing.
    const AFTER_STOP: Self;
}

impl ValueAfterStop for () {
    const AFTER_STOP: Self = ();
}
impl ValueAfterStop for u8 {
    const AFTER_STOP: Self = 0;
}
impl ValueAfterStop for u32 {
    const AFTER_STOP: Self = 0;
}
impl ValueAfterStop for usize {
    const AFTER_STOP: Self = 0;
}
/// `NTSTATUS`: `STATUS_UNSUCCESSFUL`.
impl ValueAfterStop for i32 {
    const AFTER_STOP: Self = crate::types::STATUS_UNSUCCESSFUL;
}

/// Runs an export's body. A bug check the C handler returned from unwinds to here and
/// the export returns [`ValueAfterStop::AFTER_STOP`] without finishing its work; any
/// other panic, which would be a bug in this library, aborts (never unwinds into C).
#[inline]
pub(crate) fn guarded<R: ValueAfterStop>(body: impl FnOnce() -> R) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) if payload.is::<BugCheck>() => R::AFTER_STOP,
        Err(_) => {
            eprintln!("pushlock-ffi: internal panic; aborting");
            std::process::abort()
        }
    }
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
