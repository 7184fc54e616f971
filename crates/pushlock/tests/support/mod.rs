//! Shared by the integration tests: a watchdog (no test may hang) and the catching of
//! bug checks.

#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use pushlock::BugCheck;

/// Aborts the process if the test is still running after the given number of seconds;
/// dropping it (at the end of the test) calls the dog off.
pub struct Watchdog(Arc<AtomicBool>);

impl Watchdog {
    /// Starts a watchdog of `secs` seconds.
    pub fn start(secs: u64) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(secs);
            // Relaxed: the flag carries no data, only "stop".
            while !flag.load(Ordering::Relaxed) {
                if Instant::now() >= deadline {
                    eprintln!("watchdog: test still running after {secs} s; aborting");
                    std::process::abort();
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        Self(done)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Starts a watchdog of `secs` seconds (see [`Watchdog`]).
pub fn watchdog(secs: u64) -> Watchdog {
    Watchdog::start(secs)
}

/// Runs `f`, which must raise a bug check, and returns it.
pub fn caught(f: impl FnOnce()) -> BugCheck {
    *catch_unwind(AssertUnwindSafe(f))
        .expect_err("expected a bug check")
        .downcast::<BugCheck>()
        .expect("payload is a BugCheck")
}

/// Every bug check shown to the handler in this test binary (the first call installs
/// the handler that records them).
pub fn seen_bug_checks() -> &'static Mutex<Vec<BugCheck>> {
    static SEEN: OnceLock<Mutex<Vec<BugCheck>>> = OnceLock::new();
    SEEN.get_or_init(|| {
        pushlock::set_bugcheck_handler(Some(Arc::new(|check: &BugCheck| {
            seen_bug_checks().lock().unwrap().push(check.clone());
        })));
        Mutex::new(Vec::new())
    })
}
