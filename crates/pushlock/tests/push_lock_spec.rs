//! The push lock's contract, one test group per SPEC rule (P1-P8).
#![cfg(not(pushlock_loom))]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use pushlock::{PushLock, RawPushLock};

/// Polls `cond` until it holds; panics after 30 s so no test can hang.
fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        thread::sleep(Duration::from_millis(1));
    }
}

/// Waits until `n` threads are queued on `lock`.
fn wait_for_waiters(lock: &RawPushLock, n: usize) {
    wait_until("queued waiters", || lock.waiter_count() == n);
}

#[test]
fn p1_one_word_const_static() {
    assert_eq!(size_of::<RawPushLock>(), size_of::<usize>());
    assert_eq!(align_of::<RawPushLock>(), align_of::<usize>());
    static COUNTER: PushLock<u64> = PushLock::new(0);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            thread::spawn(|| {
                for _ in 0..1000 {
                    *COUNTER.write() += 1;
                    let _ = *COUNTER.read();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(*COUNTER.read(), 4000);
}

#[test]
fn p2_exclusive_excludes_everyone() {
    let lock = RawPushLock::new();
    lock.acquire_exclusive();
    assert!(!lock.try_acquire_exclusive());
    assert!(!lock.try_acquire_shared());
    assert!(lock.is_locked_exclusive());
    // SAFETY: held exclusive.
    unsafe { lock.release() };
    assert!(!lock.is_locked());
}

#[test]
fn p2_shared_holders_coexist() {
    let lock = Arc::new(RawPushLock::new());
    let inside = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let (lock, inside) = (lock.clone(), inside.clone());
            thread::spawn(move || {
                lock.acquire_shared();
                inside.fetch_add(1, Ordering::SeqCst);
                // All four hold it at once.
                wait_until("all shared holders", || inside.load(Ordering::SeqCst) == 4);
                assert!(!lock.is_locked_exclusive());
                // SAFETY: held shared.
                unsafe { lock.release() };
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert!(!lock.is_locked());
}

#[test]
fn p3_shared_waits_behind_queued_exclusive() {
    let lock = Arc::new(RawPushLock::new());
    let b_done = Arc::new(AtomicBool::new(false));
    // A (this thread) holds shared.
    lock.acquire_shared();
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
    // Writer preference: held shared, but a waiter is queued.
    assert!(!lock.try_acquire_shared());
    assert!(lock.is_locked() && !lock.is_locked_exclusive());
    let c = {
        let (lock, b_done) = (lock.clone(), b_done.clone());
        thread::spawn(move || {
            lock.acquire_shared();
            // C got in only after B had the lock and released it.
            assert!(b_done.load(Ordering::SeqCst));
            // SAFETY: held shared.
            unsafe { lock.release() };
        })
    };
    wait_for_waiters(&lock, 2);
    assert!(!b_done.load(Ordering::SeqCst));
    // SAFETY: A holds it shared.
    unsafe { lock.release() };
    b.join().unwrap();
    c.join().unwrap();
    assert!(!lock.is_locked() && !lock.has_waiters());
}

#[test]
fn p3_woken_writer_is_not_overtaken_by_new_readers() {
    // The shared holder whose release wakes the one queued writer must not get back in
    // before that writer has retried (the read-storm convoy); P8: no hand-off, the
    // writer takes the lock itself.
    for _ in 0..50 {
        let lock = Arc::new(RawPushLock::new());
        let release_b = Arc::new(AtomicBool::new(false));
        lock.acquire_shared();
        let b = {
            let (lock, release_b) = (lock.clone(), release_b.clone());
            thread::spawn(move || {
                lock.acquire_exclusive();
                wait_until("told to release", || release_b.load(Ordering::SeqCst));
                // SAFETY: held exclusive.
                unsafe { lock.release() };
            })
        };
        wait_until("B queued", || lock.has_waiters());
        // SAFETY: A holds it shared.
        unsafe { lock.release() };
        // B was woken; whether or not it has retried yet, a new reader stays out.
        assert!(!lock.try_acquire_shared());
        wait_until("B holds it", || lock.is_locked_exclusive());
        assert!(!lock.try_acquire_shared());
        release_b.store(true, Ordering::SeqCst);
        b.join().unwrap();
        assert!(!lock.is_locked() && !lock.has_waiters());
        assert!(lock.try_acquire_shared());
        // SAFETY: held shared.
        unsafe { lock.release() };
    }
}

#[test]
fn p6_newcomer_writer_may_take_the_lock_from_a_woken_writer() {
    // While the woken writer has not retried, the free word is still open to an
    // exclusive newcomer (P6); the woken writer then queues behind it.
    let lock = Arc::new(RawPushLock::new());
    let done = Arc::new(AtomicUsize::new(0));
    lock.acquire_shared();
    let b = {
        let (lock, done) = (lock.clone(), done.clone());
        thread::spawn(move || {
            lock.acquire_exclusive();
            done.fetch_add(1, Ordering::SeqCst);
            // SAFETY: held exclusive.
            unsafe { lock.release() };
        })
    };
    wait_until("B queued", || lock.has_waiters());
    // SAFETY: A holds it shared.
    unsafe { lock.release() };
    // Either the newcomer's try wins the free word or B already holds it.
    if lock.try_acquire_exclusive() {
        done.fetch_add(1, Ordering::SeqCst);
        // SAFETY: held exclusive.
        unsafe { lock.release() };
    }
    b.join().unwrap();
    assert!(done.load(Ordering::SeqCst) >= 1);
    assert!(!lock.is_locked() && !lock.has_waiters());
}

#[test]
fn p4_shared_reacquire_without_waiters() {
    let lock = RawPushLock::new();
    lock.acquire_shared();
    lock.acquire_shared();
    assert!(lock.try_acquire_shared());
    // SAFETY: held shared three times.
    unsafe {
        lock.release();
        lock.release();
        assert!(lock.is_locked());
        lock.release();
    }
    assert!(!lock.is_locked());
}

#[test]
fn p4_not_recursive_exclusive() {
    let lock = RawPushLock::new();
    lock.acquire_exclusive();
    // A recursive acquire would hang; the try form shows the lock refuses it.
    assert!(!lock.try_acquire_exclusive());
    // SAFETY: held exclusive.
    unsafe { lock.release() };
}

#[test]
fn p5_one_release_for_both_modes() {
    let lock = RawPushLock::new();
    lock.acquire_exclusive();
    // SAFETY: held exclusive.
    unsafe { lock.release() };
    assert!(!lock.is_locked());
    lock.acquire_shared();
    // SAFETY: held shared.
    unsafe { lock.release() };
    assert!(!lock.is_locked());
}

#[test]
fn p5_release_with_waiters_both_modes() {
    for shared_first in [false, true] {
        let lock = Arc::new(RawPushLock::new());
        if shared_first {
            lock.acquire_shared();
        } else {
            lock.acquire_exclusive();
        }
        let w = {
            let lock = lock.clone();
            thread::spawn(move || {
                lock.acquire_exclusive();
                // SAFETY: held exclusive.
                unsafe { lock.release() };
            })
        };
        wait_until("waiter queued", || lock.has_waiters());
        assert_eq!(lock.is_locked_exclusive(), !shared_first);
        // SAFETY: held in the mode chosen above; the word tells which.
        unsafe { lock.release() };
        w.join().unwrap();
        assert!(!lock.is_locked());
    }
}

#[test]
fn p6_newcomer_takes_free_word_while_waiters_queue() {
    // Two exclusive waiters; the release wakes only the oldest (P8), so the other stays
    // queued while the word is free: a newcomer may take it. The woken thread may win
    // the race, so try a few rounds.
    let mut barged = 0;
    for _ in 0..20 {
        let lock = Arc::new(RawPushLock::new());
        lock.acquire_exclusive();
        let waiters: Vec<_> = (0..2)
            .map(|i| {
                let lock2 = lock.clone();
                let h = thread::spawn(move || {
                    lock2.acquire_exclusive();
                    // SAFETY: held exclusive.
                    unsafe { lock2.release() };
                });
                wait_for_waiters(&lock, i + 1);
                h
            })
            .collect();
        // SAFETY: held exclusive.
        unsafe { lock.release() };
        if lock.try_acquire_exclusive() {
            if lock.has_waiters() {
                barged += 1;
            }
            // SAFETY: held exclusive.
            unsafe { lock.release() };
        }
        for h in waiters {
            h.join().unwrap();
        }
    }
    assert!(barged > 0, "a newcomer never took the free word");
}

#[test]
fn p7_spin_is_bounded_and_waiter_sleeps() {
    let lock = Arc::new(RawPushLock::new());
    lock.acquire_exclusive();
    let w = {
        let lock = lock.clone();
        thread::Builder::new()
            .name("p7-waiter".into())
            .spawn(move || {
                lock.acquire_exclusive();
                // SAFETY: held exclusive.
                unsafe { lock.release() };
            })
            .unwrap()
    };
    // The spin is bounded: the waiter ends up queued.
    wait_until("waiter queued", || lock.has_waiters());
    #[cfg(target_os = "linux")]
    {
        // A sleeping waiter burns no CPU: its CPU time stays flat while it waits.
        let before = cpu_ticks("p7-waiter");
        thread::sleep(Duration::from_millis(300));
        let after = cpu_ticks("p7-waiter");
        if let (Some(before), Some(after)) = (before, after) {
            assert!(
                after - before <= 2,
                "queued waiter used CPU: {before} -> {after}"
            );
        }
    }
    assert!(lock.has_waiters());
    // SAFETY: held exclusive.
    unsafe { lock.release() };
    w.join().unwrap();
}

/// utime + stime (clock ticks) of this process's thread named `name`.
#[cfg(target_os = "linux")]
fn cpu_ticks(name: &str) -> Option<u64> {
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let path = task.ok()?.path();
        let stat = std::fs::read_to_string(path.join("stat")).ok()?;
        let (open, close) = (stat.find('(')?, stat.rfind(')')?);
        if &stat[open + 1..close] != name {
            continue;
        }
        let fields: Vec<&str> = stat[close + 2..].split(' ').collect();
        // Fields after the name start at "state" (field 3); utime and stime are 14, 15.
        return Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?);
    }
    None
}

#[test]
fn p8_oldest_exclusive_is_woken_alone() {
    let lock = Arc::new(RawPushLock::new());
    lock.acquire_exclusive();
    let e1_saw = Arc::new(AtomicUsize::new(usize::MAX));
    let mut handles = Vec::new();
    {
        let (lock, e1_saw) = (lock.clone(), e1_saw.clone());
        handles.push(thread::spawn(move || {
            lock.acquire_exclusive();
            // Woken alone: both shared waiters are still queued.
            e1_saw.store(lock.waiter_count(), Ordering::SeqCst);
            // SAFETY: held exclusive.
            unsafe { lock.release() };
        }));
    }
    wait_for_waiters(&lock, 1);
    for i in 0..2 {
        let lock2 = lock.clone();
        handles.push(thread::spawn(move || {
            lock2.acquire_shared();
            // SAFETY: held shared.
            unsafe { lock2.release() };
        }));
        wait_for_waiters(&lock, i + 2);
    }
    // SAFETY: held exclusive.
    unsafe { lock.release() };
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(e1_saw.load(Ordering::SeqCst), 2);
}

#[test]
fn p8_shared_oldest_wakes_all() {
    let lock = Arc::new(RawPushLock::new());
    lock.acquire_exclusive();
    let inside = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    for i in 0..3 {
        let (lock2, inside) = (lock.clone(), inside.clone());
        handles.push(thread::spawn(move || {
            lock2.acquire_shared();
            inside.fetch_add(1, Ordering::SeqCst);
            // Everyone was woken by the one release: all three hold it together.
            wait_until("all woken readers inside", || {
                inside.load(Ordering::SeqCst) == 3
            });
            // SAFETY: held shared.
            unsafe { lock2.release() };
        }));
        wait_for_waiters(&lock, i + 1);
    }
    // SAFETY: held exclusive.
    unsafe { lock.release() };
    for h in handles {
        h.join().unwrap();
    }
    assert!(!lock.is_locked() && !lock.has_waiters());
}

#[test]
fn p3_timed_waiter_gives_up_and_unlinks() {
    use lock_api::RawRwLockTimed;
    let lock = Arc::new(RawPushLock::new());
    lock.acquire_shared();
    // A timed exclusive waiter queues behind the shared holder and gives up.
    let t = {
        let lock = lock.clone();
        thread::spawn(move || {
            lock.try_lock_exclusive_for(Duration::from_millis(50))
                .is_none()
        })
    };
    assert!(t.join().unwrap());
    // It left the queue and the share count went back into the word.
    assert!(!lock.has_waiters());
    assert!(lock.try_acquire_shared());
    // SAFETY: held shared twice.
    unsafe {
        lock.release();
        lock.release();
    }
    assert!(!lock.is_locked());
}
