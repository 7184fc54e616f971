#![cfg(not(pushlock_loom))]
//! A2: normal APCs run on the target thread, outside critical regions.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use pushlock::thread::{self, CriticalRegion, Irql};

mod support;
use support::Watchdog;

#[test]
fn a2_apc_runs_at_test_alert_on_own_thread() {
    let ran = Arc::new(AtomicUsize::new(0));
    let counter = ran.clone();
    thread::queue_apc(&thread::current(), move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    assert!(thread::test_alert());
    assert!(!thread::test_alert());
    assert_eq!(ran.load(Ordering::SeqCst), 1);
}

#[test]
fn a2_apc_deferred_until_outermost_region_left() {
    let ran = Arc::new(AtomicUsize::new(0));
    let outer = CriticalRegion::enter();
    let inner = CriticalRegion::enter();
    let counter = ran.clone();
    thread::queue_apc(&thread::current(), move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    assert!(!thread::test_alert());
    assert!(!thread::sleep_alertable(Duration::from_millis(1)));
    drop(inner);
    assert_eq!(
        ran.load(Ordering::SeqCst),
        0,
        "still inside the outer region"
    );
    drop(outer);
    assert_eq!(
        ran.load(Ordering::SeqCst),
        1,
        "delivered on leaving the outermost"
    );
}

#[test]
fn a2_apc_not_delivered_at_apc_level() {
    let ran = Arc::new(AtomicUsize::new(0));
    let old = thread::raise_irql(Irql::APC_LEVEL);
    let counter = ran.clone();
    thread::queue_apc(&thread::current(), move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    {
        let _region = CriticalRegion::enter();
    }
    assert!(!thread::test_alert());
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    thread::lower_irql(old);
    assert_eq!(
        ran.load(Ordering::SeqCst),
        1,
        "delivered when lowered to PASSIVE"
    );
}

fn spawn_sleeper() -> (
    thread::ThreadHandle,
    JoinHandle<(std::thread::ThreadId, bool)>,
) {
    let (tx, rx) = mpsc::channel();
    let join = std::thread::spawn(move || {
        tx.send(thread::current()).unwrap();
        let ran = thread::sleep_alertable(Duration::from_secs(30));
        (std::thread::current().id(), ran)
    });
    (rx.recv().unwrap(), join)
}

#[test]
fn a2_apc_wakes_alertable_sleep_and_runs_on_target() {
    let _watchdog = Watchdog::start(20);
    let (target, join) = spawn_sleeper();
    let (tx, rx) = mpsc::channel();
    thread::queue_apc(&target, move || {
        tx.send(std::thread::current().id()).unwrap();
    });
    let ran_on = rx.recv().unwrap();
    let (target_id, ran) = join.join().unwrap();
    assert!(ran, "sleep_alertable returned early because an APC ran");
    assert_eq!(ran_on, target_id);
}

#[test]
fn a2_apc_to_exited_thread_is_dropped_not_leaked() {
    let _watchdog = Watchdog::start(20);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || tx.send(thread::current()).unwrap())
        .join()
        .unwrap();
    let gone = rx.recv().unwrap();
    assert!(gone.has_exited());
    let token = Arc::new(());
    let captured = token.clone();
    let ran = Arc::new(AtomicBool::new(false));
    let flag = ran.clone();
    thread::queue_apc(&gone, move || {
        let _keep = captured;
        flag.store(true, Ordering::SeqCst);
    });
    assert!(!ran.load(Ordering::SeqCst));
    assert_eq!(Arc::strong_count(&token), 1, "the APC was dropped");
}

#[test]
fn a2_apc_pending_at_exit_is_dropped_not_leaked() {
    let _watchdog = Watchdog::start(20);
    let (handle_tx, handle_rx) = mpsc::channel();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let join = std::thread::spawn(move || {
        handle_tx.send(thread::current()).unwrap();
        // Not an alertable wait: the APC stays pending.
        go_rx.recv().unwrap();
    });
    let target = handle_rx.recv().unwrap();
    let token = Arc::new(());
    let captured = token.clone();
    thread::queue_apc(&target, move || drop(captured));
    go_tx.send(()).unwrap();
    join.join().unwrap();
    assert_eq!(Arc::strong_count(&token), 1, "dropped at exit");
}

#[test]
fn a2_handle_is_send_clone_with_id_and_name() {
    fn is_send_clone<T: Send + Clone>() {}
    is_send_clone::<thread::ThreadHandle>();
    let join = std::thread::Builder::new()
        .name("a2-named".into())
        .spawn(|| {
            let me = thread::current();
            (me.id(), me.name())
        })
        .unwrap();
    let (id, name) = join.join().unwrap();
    assert_ne!(id, 0);
    assert_eq!(id & 3, 0);
    assert_eq!(name.as_deref(), Some("a2-named"));
    assert_eq!(thread::current().id(), pushlock::current_resource_thread());
}
