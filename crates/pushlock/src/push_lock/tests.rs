//! SPEC P1-P8 proofs that need to see the queue (`has_waiters`, `queue_len`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::{RawPushLock, SPIN_LIMIT};

/// Polls `cond` for up to 20 s; panics instead of hanging.
fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out: {what}"
        );
        thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn p1_one_word_static_lock_from_threads() {
    assert_eq!(size_of::<RawPushLock>(), size_of::<usize>());
    assert_eq!(align_of::<RawPushLock>(), align_of::<usize>());
    static LOCK: RawPushLock = RawPushLock::new();
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            thread::spawn(|| {
                for _ in 0..1000 {
                    LOCK.acquire_exclusive();
                    let v = COUNT.load(Ordering::Relaxed);
                    COUNT.store(v + 1, Ordering::Relaxed);
                    // SAFETY: held exclusive.
                    unsafe { LOCK.release() };
                }
            })
        })
        .collect();
    handles.into_iter().for_each(|h| h.join().unwrap());
    assert_eq!(COUNT.load(Ordering::Relaxed), 4000);
}

#[test]
fn p2_exclusive_excludes_shared_coexist() {
    let lock = RawPushLock::new();
    assert!(lock.try_acquire_shared());
    assert!(lock.try_acquire_shared());
    assert!(!lock.try_acquire_exclusive());
    // SAFETY: two shared holds.
    unsafe { lock.release() };
    unsafe { lock.release() };
    assert!(lock.try_acquire_exclusive());
    assert!(!lock.try_acquire_shared());
    assert!(!lock.try_acquire_exclusive());
    // SAFETY: held exclusive.
    unsafe { lock.release() };
    assert!(!lock.is_locked());
}

#[test]
fn p3_shared_waits_behind_queued_exclusive() {
    let lock = Arc::new(RawPushLock::new());
    let b_done = Arc::new(AtomicBool::new(false));
    let c_got = Arc::new(AtomicBool::new(false));
    lock.acquire_shared(); // A
    let b = {
        let (lock, b_done) = (lock.clone(), b_done.clone());
        thread::spawn(move || {
            lock.acquire_exclusive();
            assert!(lock.is_locked_exclusive());
            b_done.store(true, Ordering::SeqCst);
            // SAFETY: held exclusive.
            unsafe { lock.release() };
        })
    };
    wait_until("B queued", || lock.has_waiters());
    assert!(lock.is_locked() && !lock.is_locked_exclusive());
    assert!(
        !lock.try_acquire_shared(),
        "P3: shared must not pass a queued writer"
    );
    let c = {
        let (lock, b_done, c_got) = (lock.clone(), b_done.clone(), c_got.clone());
        thread::spawn(move || {
            lock.acquire_shared();
            c_got.store(true, Ordering::SeqCst);
            let b_was_done = b_done.load(Ordering::SeqCst);
            // SAFETY: held shared.
            unsafe { lock.release() };
            b_was_done
        })
    };
    wait_until("C queued", || lock.queue_len() == 2);
    assert!(!c_got.load(Ordering::SeqCst));
    // SAFETY: A's shared hold.
    unsafe { lock.release() };
    b.join().unwrap();
    assert!(c.join().unwrap(), "C got the lock before B had it");
    assert!(!lock.is_locked());
}

#[test]
fn p4_shared_reacquire_without_waiters() {
    let lock = RawPushLock::new();
    lock.acquire_shared();
    lock.acquire_shared();
    assert!(!lock.has_waiters());
    // SAFETY: two shared holds.
    unsafe {
        lock.release();
        lock.release();
    }
    assert!(!lock.is_locked());
}

#[test]
fn p5_one_release_for_both_modes() {
    let lock = RawPushLock::new();
    lock.acquire_exclusive();
    assert!(lock.is_locked_exclusive());
    // SAFETY: held exclusive.
    unsafe { lock.release() };
    assert!(!lock.is_locked());
    lock.acquire_shared();
    assert!(lock.is_locked() && !lock.is_locked_exclusive());
    // SAFETY: held shared.
    unsafe { lock.release() };
    assert!(!lock.is_locked());
}

#[test]
fn p6_newcomer_takes_free_word_with_waiters_queued() {
    // Two exclusive waiters; the release wakes the oldest only, the other stays queued,
    // and the word is free until the woken one runs. A newcomer that tries right after
    // the release may take it. Scheduling decides each trial; the test fails if no
    // trial of 50 ever shows it, which a fair (hand-off) lock would never show.
    let mut seen = false;
    for _ in 0..50 {
        let lock = Arc::new(RawPushLock::new());
        lock.acquire_exclusive();
        let waiters: Vec<_> = (0..2)
            .map(|i| {
                let mine = lock.clone();
                let w = thread::spawn(move || {
                    mine.acquire_exclusive();
                    // SAFETY: held exclusive.
                    unsafe { mine.release() };
                });
                wait_until("queued", || lock.queue_len() == i + 1);
                w
            })
            .collect();
        // SAFETY: held exclusive.
        unsafe { lock.release() };
        if lock.try_acquire_exclusive() {
            if lock.has_waiters() {
                seen = true;
            }
            // SAFETY: held exclusive.
            unsafe { lock.release() };
        }
        waiters.into_iter().for_each(|w| w.join().unwrap());
        if seen {
            break;
        }
    }
    assert!(
        seen,
        "P6: a newcomer never took a free word past queued waiters"
    );
}

#[test]
fn p7_waiter_parks_after_bounded_spin() {
    const { assert!(SPIN_LIMIT <= 1000, "P7: the spin is short and bounded") };
    let lock = Arc::new(RawPushLock::new());
    lock.acquire_exclusive();
    let w = {
        let lock = lock.clone();
        thread::spawn(move || {
            lock.acquire_exclusive();
            // SAFETY: held exclusive.
            unsafe { lock.release() };
        })
    };
    // Queued means it left the spin loop and sleeps on its wait block (a queued waiter
    // only parks or takes the list lock briefly).
    wait_until("queued", || lock.queue_len() == 1);
    thread::sleep(Duration::from_millis(20));
    assert_eq!(lock.queue_len(), 1);
    // SAFETY: held exclusive.
    unsafe { lock.release() };
    w.join().unwrap();
    assert!(!lock.has_waiters());
}

#[test]
fn p8_oldest_exclusive_woken_alone() {
    let lock = Arc::new(RawPushLock::new());
    let x_holds = Arc::new(AtomicBool::new(false));
    let x_go = Arc::new(AtomicBool::new(false));
    lock.acquire_exclusive();
    let x = {
        let (lock, x_holds, x_go) = (lock.clone(), x_holds.clone(), x_go.clone());
        thread::spawn(move || {
            lock.acquire_exclusive();
            x_holds.store(true, Ordering::SeqCst);
            wait_until("go", || x_go.load(Ordering::SeqCst));
            // SAFETY: held exclusive.
            unsafe { lock.release() };
        })
    };
    wait_until("X queued", || lock.queue_len() == 1);
    let readers: Vec<_> = (0..2)
        .map(|i| {
            let mine = lock.clone();
            let r = thread::spawn(move || {
                mine.acquire_shared();
                // SAFETY: held shared.
                unsafe { mine.release() };
            });
            wait_until("S queued", || lock.queue_len() == i + 2);
            r
        })
        .collect();
    // SAFETY: held exclusive.
    unsafe { lock.release() };
    wait_until("X holds", || x_holds.load(Ordering::SeqCst));
    // Only X was woken: both readers are still queued.
    assert_eq!(lock.queue_len(), 2);
    x_go.store(true, Ordering::SeqCst);
    x.join().unwrap();
    readers.into_iter().for_each(|r| r.join().unwrap());
}

#[test]
fn p8_oldest_shared_wakes_all() {
    let lock = Arc::new(RawPushLock::new());
    let inside = Arc::new(AtomicUsize::new(0));
    lock.acquire_exclusive();
    let readers: Vec<_> = (0..2)
        .map(|i| {
            let (mine, inside) = (lock.clone(), inside.clone());
            let r = thread::spawn(move || {
                mine.acquire_shared();
                inside.fetch_add(1, Ordering::SeqCst);
                // Both readers hold it at once: both were woken by one release.
                wait_until("both readers in", || inside.load(Ordering::SeqCst) == 2);
                // SAFETY: held shared.
                unsafe { mine.release() };
            });
            wait_until("S queued", || lock.queue_len() == i + 1);
            r
        })
        .collect();
    // SAFETY: held exclusive.
    unsafe { lock.release() };
    readers.into_iter().for_each(|r| r.join().unwrap());
    assert!(!lock.is_locked());
}

#[test]
fn timed_exclusive_gives_up_and_unlinks() {
    use lock_api::RawRwLockTimed;
    let lock = Arc::new(RawPushLock::new());
    lock.acquire_shared();
    let t = {
        let lock = lock.clone();
        thread::spawn(move || {
            lock.try_lock_exclusive_for(Duration::from_millis(30))
                .is_none()
        })
    };
    assert!(t.join().unwrap());
    assert!(!lock.has_waiters());
    assert!(lock.try_acquire_shared());
    // SAFETY: two shared holds.
    unsafe {
        lock.release();
        lock.release();
    }
    assert_eq!(lock.queue_len(), 0);
    assert!(!lock.is_locked());
}
