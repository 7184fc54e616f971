//! [`run_seeds`]: a closure under many seeds, stopping at the first that fails.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

/// What a run under one seed returned: `()` (a run fails only by panicking) or a
/// `Result` whose error is shown in the failure.
pub trait SeedOutcome {
    /// `Err` with the message to report when the run failed.
    ///
    /// # Errors
    ///
    /// The run's own error, formatted with `Display`.
    fn into_outcome(self) -> Result<(), String>;
}

impl SeedOutcome for () {
    fn into_outcome(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: fmt::Display> SeedOutcome for Result<(), E> {
    fn into_outcome(self) -> Result<(), String> {
        self.map_err(|error| error.to_string())
    }
}

/// The first seed under which a [`run_seeds`] closure panicked or returned an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StressFailure {
    /// The failing seed: `PUSHLOCK_STRESS=<seed>` or `enable(seed)` runs it again.
    pub seed: u64,
    /// How many seeds passed before it.
    pub passed: u64,
    /// The panic message or the returned error.
    pub message: String,
}

impl fmt::Display for StressFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "stress seed {} failed (after {} passing seeds): {}; rerun it with \
             PUSHLOCK_STRESS={} or pushlock::stress::enable({})",
            self.seed, self.passed, self.message, self.seed, self.seed
        )
    }
}

impl std::error::Error for StressFailure {}

/// One `run_seeds` at a time per process: stress mode is global.
static SESSION: Mutex<()> = Mutex::new(());

/// Runs `run(seed)` under stress mode with each seed of `seeds`, in order, and stops
/// at the first run that panics (a failed assertion, a bug check, a panic joined from
/// a thread) or returns an error. Stress mode is off again when it returns, whatever
/// happened; calls from several threads run one after the other.
///
/// # Errors
///
/// The first failing seed, with the failure's message and how to rerun it.
///
/// # Examples
///
/// ```
/// let failure = pushlock::stress::run_seeds(10..20, |seed| {
///     if seed == 13 { Err("unlucky") } else { Ok(()) }
/// })
/// .unwrap_err();
/// assert_eq!((failure.seed, failure.passed), (13, 3));
/// assert!(failure.to_string().contains("PUSHLOCK_STRESS=13"));
/// ```
pub fn run_seeds<R: SeedOutcome>(
    seeds: impl IntoIterator<Item = u64>,
    mut run: impl FnMut(u64) -> R,
) -> Result<(), StressFailure> {
    let _session = SESSION
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut passed = 0;
    for seed in seeds {
        super::enable(seed);
        let outcome = catch_unwind(AssertUnwindSafe(|| run(seed)));
        super::disable();
        let message = match outcome {
            Ok(result) => match result.into_outcome() {
                Ok(()) => {
                    passed += 1;
                    continue;
                }
                Err(message) => message,
            },
            Err(payload) => panic_message(payload.as_ref()),
        };
        return Err(StressFailure {
            seed,
            passed,
            message,
        });
    }
    Ok(())
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(check) = payload.downcast_ref::<crate::BugCheck>() {
        check.to_string()
    } else if let Some(text) = payload.downcast_ref::<&str>() {
        format!("panicked: {text}")
    } else if let Some(text) = payload.downcast_ref::<String>() {
        format!("panicked: {text}")
    } else {
        "panicked (non-string payload)".to_owned()
    }
}
