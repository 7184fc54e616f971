#![cfg(not(pushlock_loom))]
//! The Ex push lock calls, the resource shortcuts and the APC queries
//! (`pushlock::ex`), with the verifier's Ex-only stops when the feature is on.

use pushlock::thread::{self, CriticalRegion, Irql};
use pushlock::{RawPushLock, Resource, ex, flt};

mod support;

#[test]
fn a1_ex_push_lock_calls_enter_no_critical_region() {
    let lock = RawPushLock::new();
    let _region = CriticalRegion::enter();
    ex::acquire_push_lock_exclusive(&lock);
    assert!(lock.is_locked_exclusive());
    // SAFETY: held exclusive just above.
    unsafe { ex::release_push_lock_exclusive(&lock) };
    ex::acquire_push_lock_shared(&lock);
    ex::acquire_push_lock_shared(&lock);
    // SAFETY: held shared twice just above.
    unsafe { ex::release_push_lock_shared(&lock) };
    // SAFETY: still held shared once.
    unsafe { ex::release_push_lock(&lock) };
    assert!(!lock.is_locked());
    drop(_region);
    assert!(
        !ex::are_apcs_disabled(),
        "the Ex calls left no region entered"
    );
}

#[test]
fn a1_ex_acquire_at_apc_level_needs_no_region() {
    let lock = RawPushLock::new();
    let old = thread::raise_irql(Irql::APC_LEVEL);
    ex::acquire_push_lock_exclusive(&lock);
    // SAFETY: held exclusive just above.
    unsafe { ex::release_push_lock(&lock) };
    thread::lower_irql(old);
}

#[test]
fn p9_flt_release_push_lock_ex_checks_flags_and_leaves_the_region() {
    let lock = RawPushLock::new();
    flt::acquire_push_lock_exclusive(&lock);
    // SAFETY: held through flt just above.
    unsafe { flt::release_push_lock_ex(&lock, flt::FLT_PUSH_LOCK_ENABLE_AUTO_BOOST) };
    assert!(!lock.is_locked() && !ex::are_apcs_disabled());
    flt::acquire_push_lock_shared(&lock);
    // SAFETY: held; the flags check fires before the lock is touched.
    let check = support::caught(|| unsafe { flt::release_push_lock_ex(&lock, 0x10) });
    assert_eq!(check.code(), 0x152);
    assert!(lock.is_locked(), "a bad-flags release touches nothing");
    // SAFETY: still held shared.
    unsafe { flt::release_push_lock(&lock) };
}

#[test]
fn a1_resource_shortcuts_enter_and_leave_a_region() {
    let r = Resource::new();
    assert!(!ex::is_resource_acquired_lite(&r));
    ex::enter_critical_region_and_acquire_resource_exclusive(&r);
    assert!(ex::are_apcs_disabled() && !ex::are_all_apcs_disabled());
    assert!(r.is_acquired_exclusive() && ex::is_resource_acquired_lite(&r));
    ex::release_resource_and_leave_critical_region(&r);
    assert!(!ex::are_apcs_disabled() && !ex::is_resource_acquired_lite(&r));

    ex::enter_critical_region_and_acquire_resource_shared(&r);
    ex::enter_critical_region_and_acquire_shared_wait_for_exclusive(&r);
    assert_eq!(r.shared_count(), 2);
    ex::release_resource_and_leave_critical_region(&r);
    ex::release_resource_and_leave_critical_region(&r);
    assert!(!ex::are_apcs_disabled());

    assert!(ex::try_to_acquire_resource_exclusive_lite(&r));
    let other = std::thread::scope(|s| {
        s.spawn(|| ex::try_to_acquire_resource_exclusive_lite(&r))
            .join()
            .unwrap()
    });
    assert!(!other, "a try on a resource another thread owns fails");
    r.release_lite();
}

#[test]
fn a4_are_all_apcs_disabled_follows_the_irql_only() {
    assert!(!ex::are_all_apcs_disabled());
    let region = CriticalRegion::enter();
    assert!(ex::are_apcs_disabled() && !ex::are_all_apcs_disabled());
    drop(region);
    let old = thread::raise_irql(Irql::DISPATCH_LEVEL);
    assert!(ex::are_apcs_disabled() && ex::are_all_apcs_disabled());
    thread::lower_irql(old);
}

#[cfg(feature = "verifier")]
mod verifier {
    use super::*;
    use pushlock::verifier_codes as stops;

    fn addr(lock: &RawPushLock) -> usize {
        lock as *const RawPushLock as usize
    }

    #[test]
    fn v1_ex_acquire_at_passive_outside_a_region_is_its_own_stop() {
        let lock = RawPushLock::new();
        let line = line!() + 1;
        let check = support::caught(|| ex::acquire_push_lock_exclusive(&lock));
        assert_eq!(check.code(), 0xC4);
        assert_eq!(
            check.parameters()[0],
            stops::EX_ACQUIRE_OUTSIDE_CRITICAL_REGION
        );
        assert_eq!(check.parameters()[1], addr(&lock));
        assert!(
            check.message().contains(&format!("{}:{line}:", file!())),
            "{}",
            check.message()
        );
        assert!(!lock.is_locked(), "the stop comes before the acquire");
        let check = support::caught(|| ex::acquire_push_lock_shared(&lock));
        assert_eq!(
            check.parameters()[0],
            stops::EX_ACQUIRE_OUTSIDE_CRITICAL_REGION
        );
    }

    #[test]
    fn v1_release_in_the_wrong_mode_is_a_stop() {
        let lock = RawPushLock::new();
        let _region = CriticalRegion::enter();
        ex::acquire_push_lock_shared(&lock);
        // SAFETY: the verifier stops before the release touches the lock.
        let check = support::caught(|| unsafe { ex::release_push_lock_exclusive(&lock) });
        assert_eq!(check.parameters()[0], stops::RELEASE_WRONG_MODE);
        assert_eq!(
            (check.parameters()[1], check.parameters()[3]),
            (addr(&lock), 0)
        );
        assert!(
            check.message().contains("held shared"),
            "{}",
            check.message()
        );
        // SAFETY: still held shared.
        unsafe { ex::release_push_lock_shared(&lock) };

        ex::acquire_push_lock_exclusive(&lock);
        // SAFETY: as above.
        let check = support::caught(|| unsafe { ex::release_push_lock_shared(&lock) });
        assert_eq!(check.parameters()[0], stops::RELEASE_WRONG_MODE);
        assert_eq!(check.parameters()[3], 1);
        // SAFETY: still held exclusive.
        unsafe { ex::release_push_lock_exclusive(&lock) };
        assert!(!lock.is_locked());
    }
}
