#![cfg(not(pushlock_loom))]
//! `locks()` (SPEC D1, D2): the `!locks` snapshot and its wait-for cycles.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use pushlock::{OwnerPointer, Resource, current_resource_thread, locks};

mod support;
use support::watchdog;

fn until(cond: impl Fn() -> bool) {
    while !cond() {
        thread::sleep(Duration::from_millis(1));
    }
}

fn addr(r: &Resource) -> usize {
    r as *const Resource as usize
}

#[test]
fn d1_shared_owners_waiters_and_counts_in_locks_style() {
    let _w = watchdog(30);
    let r = Resource::with_name("d1-shared");
    let (held_tx, held_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let main = r.acquire_shared();
    thread::scope(|s| {
        let r = &r;
        thread::Builder::new()
            .name("d1-reader".into())
            .spawn_scoped(s, move || {
                let _g = r.acquire_shared();
                held_tx.send(current_resource_thread()).unwrap();
                go_rx.recv().unwrap();
            })
            .unwrap();
        let reader = held_rx.recv().unwrap();
        thread::Builder::new()
            .name("d1-writer".into())
            .spawn_scoped(s, || drop(r.acquire_exclusive()))
            .unwrap();
        until(|| r.exclusive_waiters() == 1);

        let report = locks();
        let snap = report.resource(addr(r)).expect("named resource is listed");
        assert_eq!(snap.name, Some("d1-shared"));
        assert!(!snap.exclusive);
        assert_eq!(snap.owners.len(), 2);
        assert!(
            snap.owners
                .iter()
                .any(|o| o.owner == reader && o.thread_name.as_deref() == Some("d1-reader"))
        );
        assert_eq!(snap.waiters.len(), 1);
        assert_eq!(snap.waiters[0].thread_name.as_deref(), Some("d1-writer"));
        assert_eq!(snap.exclusive_waiters, 1);
        assert_eq!(snap.contention_count, 1);
        let text = report.to_string();
        assert!(text.contains(&format!(
            "Resource @ {:#x} (d1-shared)    Shared 2 owning threads",
            addr(r)
        )));
        assert!(text.contains("Contention Count = 1"));
        assert!(text.contains("NumberOfExclusiveWaiters = 1"));
        assert!(text.contains(&format!("{reader:x}-01<*>")));
        assert!(text.contains("d1-writer"));
        assert!(!report.has_deadlock());
        go_tx.send(()).unwrap();
        drop(main);
    });
    assert!(
        locks().resource(addr(&r)).is_none(),
        "idle resources are not listed"
    );
}

#[test]
fn d1_exclusive_owner_and_owner_pointer_are_marked() {
    let _w = watchdog(30);
    let r = Resource::with_name("d1-exclusive");
    let a = r.acquire_exclusive();
    let b = r.acquire_exclusive();
    let text = locks().to_string();
    assert!(text.contains("(d1-exclusive)    Exclusively owned"));
    assert!(text.contains(&format!("{:x}-02<*>", current_resource_thread())));
    drop(b);
    let moved = a.transfer(OwnerPointer::new(0xABC3).unwrap());
    let report = locks();
    let snap = report.resource(addr(&r)).unwrap();
    assert!(snap.owners[0].is_owner_pointer);
    assert!(report.to_string().contains("abc3-01<*> (owner pointer)"));
    moved.release();
}

#[test]
fn d1_unnamed_resource_listed_once_contended() {
    let _w = watchdog(30);
    let r = Resource::new();
    let main = r.acquire_exclusive();
    thread::scope(|s| {
        s.spawn(|| drop(r.acquire_shared()));
        until(|| r.shared_waiters() == 1);
        let report = locks();
        let snap = report
            .resource(addr(&r))
            .expect("contended resource is listed");
        assert!(snap.exclusive);
        assert_eq!(snap.owners[0].owner, current_resource_thread());
        assert!(
            report
                .to_string()
                .contains("Threads Waiting On Shared Access:")
        );
        drop(main);
    });
}

#[test]
// Under the verifier the second, opposite order is a V2 stop before the deadlock can
// form (proved by `verifier_resource.rs`), so this real deadlock is made only without it.
#[cfg_attr(
    feature = "verifier",
    ignore = "the verifier stops the opposite order (V2) before it deadlocks"
)]
fn d2_real_deadlock_found_naming_both_threads_and_resources() {
    let _w = watchdog(60);
    let a = Resource::with_name("d2-A");
    let b = Resource::with_name("d2-B");
    let (ids_tx, ids_rx) = mpsc::channel();
    thread::scope(|s| {
        let (a, b) = (&a, &b);
        let (tx1, tx2) = (ids_tx.clone(), ids_tx);
        // T1: A then B. Uses the Lite API: its hold on A is released for it below.
        let (first_tx, first_rx) = mpsc::channel::<()>();
        let (second_tx, second_rx) = mpsc::channel::<()>();
        thread::Builder::new()
            .name("d2-t1".into())
            .spawn_scoped(s, move || {
                a.acquire_exclusive_lite(true);
                tx1.send(("t1", current_resource_thread())).unwrap();
                first_rx.recv().unwrap();
                b.acquire_exclusive_lite(true); // deadlocks until A is released for us
                b.release_lite();
            })
            .unwrap();
        thread::Builder::new()
            .name("d2-t2".into())
            .spawn_scoped(s, move || {
                b.acquire_exclusive_lite(true);
                tx2.send(("t2", current_resource_thread())).unwrap();
                second_rx.recv().unwrap();
                a.acquire_exclusive_lite(true);
                a.release_lite();
                b.release_lite();
            })
            .unwrap();
        let mut ids = [ids_rx.recv().unwrap(), ids_rx.recv().unwrap()];
        ids.sort();
        let (t1, t2) = (ids[0].1, ids[1].1);
        first_tx.send(()).unwrap();
        second_tx.send(()).unwrap();
        until(|| a.exclusive_waiters() == 1 && b.exclusive_waiters() == 1);

        let report = locks();
        println!("{report}");
        assert!(report.has_deadlock(), "{report}");
        let cycle = report
            .deadlocks
            .iter()
            .find(|c| c.steps.iter().any(|step| step.lock == addr(a)))
            .expect("the A/B cycle");
        assert_eq!(cycle.steps.len(), 2);
        let mut threads: Vec<_> = cycle.steps.iter().map(|step| step.thread).collect();
        threads.sort();
        let mut expected = vec![t1, t2];
        expected.sort();
        assert_eq!(threads, expected);
        let mut names: Vec<_> = cycle
            .steps
            .iter()
            .map(|step| step.lock_name.unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["d2-A", "d2-B"]);
        let text = report.to_string();
        assert!(text.contains("deadlock"));
        assert!(text.contains("d2-t1") && text.contains("d2-t2"), "{text}");
        assert!(text.contains("(d2-A)") && text.contains("(d2-B)"));

        // End it: release A for T1 (ExReleaseResourceForThreadLite) from this thread.
        a.release_for_thread_lite(t1);
    });
    assert!(
        !locks().has_deadlock()
            || locks()
                .deadlocks
                .iter()
                .all(|c| c.steps.iter().all(|step| step.lock != addr(&a)))
    );
}
