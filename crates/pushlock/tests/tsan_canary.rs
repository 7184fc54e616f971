//! The ThreadSanitizer step's canary (`.ci/tsan.sh`): two test threads write one
//! plain integer with nothing ordering the writes, and the step checks that TSan
//! reports it. A suppression broad enough to match every test thread (a frame that
//! sits under every thread's stack, such as `std::thread::lifecycle::` or
//! `test::__rust_begin_short_backtrace`) would silence it, and the step fails.
//!
//! The race is real (undefined behaviour), so the test is ignored and does nothing
//! unless `PUSHLOCK_TSAN_CANARY=1` is set, which only `.ci/tsan.sh` does.
#![cfg(not(pushlock_loom))]

use std::cell::UnsafeCell;
use std::thread;

/// A cell that claims to be `Sync` while it is not: the point of the canary.
struct Unsynchronized(UnsafeCell<u64>);

// SAFETY: it is not; the two writers below race on purpose, for ThreadSanitizer
// to report (the test runs only under `.ci/tsan.sh`).
unsafe impl Sync for Unsynchronized {}

impl Unsynchronized {
    fn write(&self, value: u64) {
        // SAFETY: none; this is the race the canary exists for.
        unsafe { *self.0.get() = value };
    }
}

#[test]
#[ignore = "a deliberate data race: run by .ci/tsan.sh, which expects ThreadSanitizer to report it"]
fn tsan_canary_unsynchronized_writes_are_reported() {
    if std::env::var_os("PUSHLOCK_TSAN_CANARY").is_none() {
        return;
    }
    let cell = &Unsynchronized(UnsafeCell::new(0));
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(move || {
                for i in 0..1000 {
                    cell.write(std::hint::black_box(i));
                }
            });
        }
    });
}
