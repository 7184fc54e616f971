//! Runs N acquire+release pairs of one lock in one mode, for instruction counting under
//! callgrind (`scripts/callgrind-pairs.sh` runs it for N and 2N and takes the difference,
//! so the harness cancels out).
//!
//! `cargo run --release -p pushlock --example callgrind_pairs -- push|parking_lot|std|resource|reentrant exclusive|shared N`
//! (`reentrant` is parking_lot's `ReentrantMutex`, whose one mode both columns show).

use std::hint::black_box;

use lock_api::RawRwLock as _;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: callgrind_pairs push|parking_lot|std|resource|reentrant exclusive|shared N";
    let (lock, mode) = (args.get(1).expect(usage), args.get(2).expect(usage));
    let n: u64 = args.get(3).expect(usage).parse().expect(usage);
    let exclusive = mode == "exclusive";
    match lock.as_str() {
        "push" => {
            let lock = pushlock::RawPushLock::new();
            for _ in 0..n {
                let lock = black_box(&lock);
                if exclusive {
                    lock.acquire_exclusive();
                } else {
                    lock.acquire_shared();
                }
                // SAFETY: held just above.
                unsafe { lock.release() };
            }
        }
        "parking_lot" => {
            let lock: parking_lot::RawRwLock = lock_api::RawRwLock::INIT;
            for _ in 0..n {
                let lock = black_box(&lock);
                if exclusive {
                    let guard = lock.lock_exclusive();
                    // SAFETY: held just above.
                    unsafe { lock.unlock_exclusive(guard) };
                } else {
                    let guard = lock.lock_shared();
                    // SAFETY: held just above.
                    unsafe { lock.unlock_shared(guard) };
                }
            }
        }
        "std" => {
            let lock = std::sync::RwLock::new(());
            for _ in 0..n {
                let lock = black_box(&lock);
                if exclusive {
                    drop(lock.write().unwrap());
                } else {
                    drop(lock.read().unwrap());
                }
            }
        }
        "resource" => {
            let resource = pushlock::Resource::new();
            for _ in 0..n {
                let resource = black_box(&resource);
                if exclusive {
                    drop(resource.acquire_exclusive());
                } else {
                    drop(resource.acquire_shared());
                }
            }
        }
        "reentrant" => {
            let mutex = parking_lot::ReentrantMutex::new(());
            for _ in 0..n {
                drop(black_box(&mutex).lock());
            }
        }
        _ => panic!("{usage}"),
    }
}
