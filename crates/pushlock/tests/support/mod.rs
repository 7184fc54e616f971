//! Shared by the integration tests: a watchdog (no test may hang; a hang prints the
//! `locks()` report and every thread's backtrace), the stress tests' operation count,
//! and the catching of bug checks.

#![allow(dead_code)]

use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};

use pushlock::BugCheck;

/// Aborts the process when the test makes no progress for the given number of seconds:
/// measured from the start, or from the last [`Watchdog::tick`] for a test that ticks
/// (the stress tests, whose length depends on `PUSHLOCK_STRESS_OPS`). Before aborting
/// it prints the `locks()` report and every thread's backtrace (through gdb, where
/// installed), so a hang in CI says where each thread was. Dropping it (at the end of
/// the test) calls the dog off.
pub struct Watchdog {
    done: Arc<AtomicBool>,
    ticks: Arc<AtomicUsize>,
}

impl Watchdog {
    /// Starts a watchdog of `secs` seconds without progress.
    pub fn start(secs: u64) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let ticks = Arc::new(AtomicUsize::new(0));
        let (flag, seen) = (done.clone(), ticks.clone());
        std::thread::spawn(move || {
            let mut last = 0;
            let mut deadline = Instant::now() + Duration::from_secs(secs);
            // Relaxed: the flag and the tick count carry no data, only "stop" and
            // "still moving".
            while !flag.load(Ordering::Relaxed) {
                let now = seen.load(Ordering::Relaxed);
                if now != last {
                    last = now;
                    deadline = Instant::now() + Duration::from_secs(secs);
                } else if Instant::now() >= deadline {
                    say(&format!(
                        "watchdog: no progress for {secs} s ({now} ticks); aborting\n"
                    ));
                    dump_state();
                    std::process::abort();
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        Self { done, ticks }
    }

    /// Records progress: the no-progress clock starts again.
    pub fn tick(&self) {
        self.ticks.fetch_add(1, Ordering::Relaxed);
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
    }
}

/// Starts a watchdog of `secs` seconds (see [`Watchdog`]).
pub fn watchdog(secs: u64) -> Watchdog {
    Watchdog::start(secs)
}

/// What a hang left behind: the `locks()` report (from a helper thread, given 5 s: the
/// report takes each owner table's lock, which a stuck thread may hold) and every
/// thread's backtrace from gdb (given 60 s).
fn dump_state() {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(pushlock::locks().to_string());
    });
    match rx.recv_timeout(Duration::from_secs(5)) {
        Ok(report) => say(&format!("watchdog: locks():\n{report}\n")),
        Err(_) => say("watchdog: locks() did not return within 5 s\n"),
    }
    let pid = std::process::id().to_string();
    let gdb = Command::new("gdb")
        .args(["--batch", "-p", &pid, "-ex", "thread apply all bt"])
        .stdin(Stdio::null())
        .stdout(Stdio::inherit())
        .stderr(Stdio::inherit())
        .spawn();
    match gdb {
        Ok(mut child) => {
            let deadline = Instant::now() + Duration::from_secs(60);
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        Err(e) => say(&format!("watchdog: no thread backtraces (gdb: {e})\n")),
    }
}

/// Writes to the process's stderr itself: `eprintln!` in a thread spawned by a test
/// goes to the harness's capture buffer, which an abort never prints.
fn say(text: &str) {
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Operations per thread for a stress test: `PUSHLOCK_STRESS_OPS` when set (the long
/// release run, `.ci/release-stress.sh`), else `default`.
pub fn stress_ops(default: usize) -> usize {
    match std::env::var("PUSHLOCK_STRESS_OPS") {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("PUSHLOCK_STRESS_OPS={text:?} is not a count")),
        Err(_) => default,
    }
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
