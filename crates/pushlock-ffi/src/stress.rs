//! Stress mode for C (SPEC S1), only in a library built with the verifier
//! (`--features verifier`): `include/pushlock_stress.h`. The library also reads
//! `PUSHLOCK_STRESS=<seed>|random` at the first lock call, without any of these.

use crate::types::BOOLEAN;

/// `PushLockStressEnable`: stress mode on with `Seed` for every thread, from the next
/// lock call on ([`pushlock::stress::enable`]). Prints nothing.
#[unsafe(no_mangle)]
pub extern "C" fn PushLockStressEnable(Seed: u64) {
    pushlock::stress::enable(Seed);
}

/// `PushLockStressDisable`: stress mode off ([`pushlock::stress::disable`]).
#[unsafe(no_mangle)]
pub extern "C" fn PushLockStressDisable() {
    pushlock::stress::disable();
}

/// `PushLockStressSeed`: `TRUE` and the seed in `*Seed` when stress mode is on,
/// `FALSE` (and `*Seed` untouched) when it is off. `Seed` may be `NULL`.
///
/// # Safety
///
/// `Seed` is `NULL` or points to writable storage for a `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PushLockStressSeed(Seed: *mut u64) -> BOOLEAN {
    match pushlock::stress::seed() {
        Some(seed) => {
            if !Seed.is_null() {
                // SAFETY: the caller passes NULL (checked above) or writable storage.
                unsafe { Seed.write(seed) };
            }
            1
        }
        None => 0,
    }
}
