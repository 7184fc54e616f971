//! Bug checks (SPEC B1): the typed value that misuse turns into.
//!
//! The kernel stops the machine with a code and four parameters. Here a bug check is a
//! [`BugCheck`] value: the Rust API panics with it as the panic payload (so a test can
//! `catch_unwind` and downcast it), after showing it to the installed handler. The
//! default handler prints the stop screen to standard error; the C ABI installs one
//! that prints and aborts. See [`set_bugcheck_handler`].

use std::fmt;
use std::sync::{Arc, RwLock};

/// Bug check codes used by this crate, with the kernel's numbers.
pub mod codes {
    /// `KERNEL_APC_PENDING_DURING_EXIT`: a thread exited inside a critical region (A3).
    pub const KERNEL_APC_PENDING_DURING_EXIT: u32 = 0x20;
    /// `SPIN_LOCK_ALREADY_OWNED`: a thread asked for a spin lock it holds. p1 = lock,
    /// p2 = thread.
    pub const SPIN_LOCK_ALREADY_OWNED: u32 = 0x0F;
    /// `SPIN_LOCK_NOT_OWNED`: a spin lock released by a thread that does not hold it.
    /// p1 = lock, p2 = thread, p3 = holder (0 if free).
    pub const SPIN_LOCK_NOT_OWNED: u32 = 0x10;
    /// `DRIVER_VERIFIER_DETECTED_VIOLATION`: a verifier stop; parameter 1 is the
    /// sub-code (see the `verifier` module's table).
    pub const DRIVER_VERIFIER_DETECTED_VIOLATION: u32 = 0xC4;
    /// `RESOURCE_NOT_OWNED`: release of a resource the thread does not own (R11).
    pub const RESOURCE_NOT_OWNED: u32 = 0xE3;
    /// `INVALID_PUSH_LOCK_FLAGS`: an `…Ex` push lock call with undefined flag bits (P9).
    pub const INVALID_PUSH_LOCK_FLAGS: u32 = 0x152;
    /// `ERESOURCE_INVALID_RELEASE`: a release naming a bad owner (R11).
    pub const ERESOURCE_INVALID_RELEASE: u32 = 0x16E;
    /// Parameter 1 of a `0xC4` stop: a resource deleted (`ExDeleteResourceLite`,
    /// `Drop`) or reinitialized while owned or waited on (R13). p2 = resource,
    /// p3 = number of owners, p4 = number of waiters.
    pub const VERIFIER_RESOURCE_DELETE_IN_USE: usize = 0x1001;
}

/// The kernel's name for a bug check code, or `"UNKNOWN_BUGCHECK"`.
///
/// # Examples
///
/// ```
/// assert_eq!(pushlock::bugcheck_name(0xE3), "RESOURCE_NOT_OWNED");
/// ```
pub fn bugcheck_name(code: u32) -> &'static str {
    match code {
        codes::SPIN_LOCK_ALREADY_OWNED => "SPIN_LOCK_ALREADY_OWNED",
        codes::SPIN_LOCK_NOT_OWNED => "SPIN_LOCK_NOT_OWNED",
        codes::KERNEL_APC_PENDING_DURING_EXIT => "KERNEL_APC_PENDING_DURING_EXIT",
        codes::DRIVER_VERIFIER_DETECTED_VIOLATION => "DRIVER_VERIFIER_DETECTED_VIOLATION",
        codes::RESOURCE_NOT_OWNED => "RESOURCE_NOT_OWNED",
        codes::INVALID_PUSH_LOCK_FLAGS => "INVALID_PUSH_LOCK_FLAGS",
        codes::ERESOURCE_INVALID_RELEASE => "ERESOURCE_INVALID_RELEASE",
        _ => "UNKNOWN_BUGCHECK",
    }
}

/// A bug check: code, four parameters, the kernel's name, and a diagnostic line.
///
/// `Display` prints it like a stop screen:
///
/// ```text
/// *** STOP: 0x000000E3 (0x00007F12A4C0, 0x00007F12A4D8, 0x000000000000, 0x000000000000)
/// RESOURCE_NOT_OWNED
/// release of resource 0x7f12a4c0 by thread 0x7f12a4d8, which does not own it
/// ```
///
/// # Examples
///
/// ```
/// use pushlock::BugCheck;
///
/// let check = BugCheck::new(0x152, [4, 0x1000, 0, 0], "bad flags");
/// assert_eq!(check.code(), 0x152);
/// assert_eq!(check.name(), "INVALID_PUSH_LOCK_FLAGS");
/// assert_eq!(check.parameters(), [4, 0x1000, 0, 0]);
/// assert!(check.to_string().starts_with("*** STOP: 0x00000152"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BugCheck {
    code: u32,
    parameters: [usize; 4],
    message: String,
}

impl BugCheck {
    /// Makes a bug check value (does not raise it).
    pub fn new(code: u32, parameters: [usize; 4], message: impl Into<String>) -> Self {
        Self {
            code,
            parameters,
            message: message.into(),
        }
    }

    /// The bug check code (`0xE3`, …).
    pub fn code(&self) -> u32 {
        self.code
    }

    /// The four bug check parameters, as documented for the code.
    pub fn parameters(&self) -> [usize; 4] {
        self.parameters
    }

    /// The kernel's symbolic name for the code.
    pub fn name(&self) -> &str {
        bugcheck_name(self.code)
    }

    /// The diagnostic line: what happened, in words.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for BugCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [p1, p2, p3, p4] = self.parameters;
        writeln!(
            f,
            "*** STOP: 0x{:08X} (0x{p1:016X}, 0x{p2:016X}, 0x{p3:016X}, 0x{p4:016X})",
            self.code
        )?;
        writeln!(f, "{}", self.name())?;
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for BugCheck {}

type Handler = Arc<dyn Fn(&BugCheck) + Send + Sync>;

static HANDLER: RwLock<Option<Handler>> = RwLock::new(None);

/// Installs the function every bug check is shown to before the panic, or with `None`
/// restores the default (print the stop screen to standard error). Returns the
/// previous handler.
///
/// A handler that returns lets the bug check go on to panic with the [`BugCheck`] as
/// payload; one that aborts (as the C ABI's does) never returns.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
///
/// let previous = pushlock::set_bugcheck_handler(Some(Arc::new(|check: &pushlock::BugCheck| {
///     eprintln!("intercepted {}", check.name());
/// })));
/// // … code under test that may bug-check; `catch_unwind` + `downcast::<BugCheck>()`
/// // recovers the value …
/// pushlock::set_bugcheck_handler(previous);
/// ```
pub fn set_bugcheck_handler(handler: Option<Handler>) -> Option<Handler> {
    let mut slot = HANDLER
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    std::mem::replace(&mut *slot, handler)
}

/// Raises a bug check (`KeBugCheckEx`): shows it to the handler, then panics with it
/// as the payload.
///
/// # Panics
///
/// Always, with the [`BugCheck`] as payload (unless the handler aborts first).
///
/// # Examples
///
/// ```
/// let caught = std::panic::catch_unwind(|| pushlock::bug_check(0xE3, [1, 2, 3, 4], "test"));
/// let check = caught.unwrap_err().downcast::<pushlock::BugCheck>().unwrap();
/// assert_eq!(check.parameters(), [1, 2, 3, 4]);
/// ```
#[cold]
#[inline(never)]
#[track_caller]
pub fn bug_check(code: u32, parameters: [usize; 4], message: impl Into<String>) -> ! {
    let check = BugCheck::new(code, parameters, message);
    show(&check);
    std::panic::panic_any(check)
}

/// Shows a bug check to the handler (or prints it) without panicking: for places that
/// cannot unwind, such as a thread-local destructor at thread exit (A3, the verifier's
/// exit check). Tests see it through [`set_bugcheck_handler`].
#[cold]
#[inline(never)]
pub(crate) fn report_bug_check(code: u32, parameters: [usize; 4], message: impl Into<String>) {
    show(&BugCheck::new(code, parameters, message));
}

/// Shows a bug check to the installed handler, or prints its stop screen.
fn show(check: &BugCheck) {
    let handler = HANDLER
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    match handler {
        Some(handler) => handler(check),
        None => eprintln!("{check}"),
    }
}
