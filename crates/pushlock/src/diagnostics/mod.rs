//! The `!locks` report (SPEC D1, D2).
//!
//! [`locks()`] returns a snapshot of every resource that is owned or waited on, every
//! push lock held (under the `verifier` feature), and every cycle in the wait-for
//! graph. `Display` prints it the way the kernel debugger's `!locks` does.
//!
//! ## Design: nothing on the fast path
//! An uncontended [`Resource`](crate::Resource) lives in one state word and touches no
//! global state: no registry lock, no list insertion per acquisition. A resource joins
//! the global registry ([`registry`]) only when its owner table is created, which
//! happens once per resource lifetime: the first time it is contended, recursed,
//! transferred, or acquired while named ([`Resource::with_name`](crate::Resource::with_name)
//! resources always keep their owners in the table). From then on, owners and waiters
//! are read from the table itself under its own small lock, one table at a time.
//!
//! The consequence: an *unnamed* resource owned once, without contention, through its
//! one-word fast path is not listed (before its first contention, or after it returned
//! to the one-word mode when its table emptied). Nobody waits on such a resource, so it
//! is never part of a deadlock; name it to see it in every report.
//!
//! The registry holds the tables (by `Arc`), not the resources, so a resource moved
//! while idle leaves nothing dangling. The address printed is where the resource was
//! at its last slow-path operation.

mod cycles;
mod registry;

use std::fmt;

pub(crate) use registry::{Table, TableSnapshot, TableSource, register, unregister};

use crate::verifier::{self, Mode};
use cycles::{WaitEdge, find_cycles};

/// One owner of a resource in a [`LocksReport`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerSnapshot {
    /// A thread id ([`current_resource_thread`](crate::current_resource_thread)) or an
    /// owner pointer value.
    pub owner: usize,
    /// Whether `owner` is an owner pointer (low bits `11`, R10).
    pub is_owner_pointer: bool,
    /// The thread's name, if `owner` is a live thread.
    pub thread_name: Option<String>,
    /// How many acquisitions it holds.
    pub count: u32,
}

/// One waiter of a resource in a [`LocksReport`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaiterSnapshot {
    /// The waiting thread's id.
    pub thread: usize,
    /// Its name, if known.
    pub thread_name: Option<String>,
    /// Whether it waits for exclusive access.
    pub exclusive: bool,
}

/// One resource in a [`LocksReport`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceSnapshot {
    /// The resource's address.
    pub address: usize,
    /// Its name ([`Resource::with_name`](crate::Resource::with_name)).
    pub name: Option<&'static str>,
    /// Whether it is owned exclusively.
    pub exclusive: bool,
    /// Its owners.
    pub owners: Vec<OwnerSnapshot>,
    /// Its waiters, in queue order.
    pub waiters: Vec<WaiterSnapshot>,
    /// `ContentionCount`.
    pub contention_count: u32,
    /// `NumberOfExclusiveWaiters`.
    pub exclusive_waiters: u32,
    /// `NumberOfSharedWaiters`.
    pub shared_waiters: u32,
}

/// A push lock held by some thread (recorded by the `verifier` feature).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushLockSnapshot {
    /// The lock's address.
    pub address: usize,
    /// The holding thread.
    pub thread: usize,
    /// Its name, if known.
    pub thread_name: Option<String>,
    /// Whether it is held exclusive.
    pub exclusive: bool,
    /// How many times.
    pub count: u32,
}

/// One step of a wait-for cycle: `thread` waits on `lock`, owned by the next step's
/// thread.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CycleStep {
    /// The waiting thread.
    pub thread: usize,
    /// Its name, if known.
    pub thread_name: Option<String>,
    /// The resource it waits on.
    pub lock: usize,
    /// That resource's name.
    pub lock_name: Option<&'static str>,
}

/// A cycle in the wait-for graph: a deadlock (D2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlockCycle {
    /// The steps; the last step's lock is owned by the first step's thread.
    pub steps: Vec<CycleStep>,
}

/// The `!locks` snapshot (D1, D2).
///
/// # Examples
///
/// ```
/// let r = pushlock::Resource::with_name("example");
/// let _guard = r.acquire_exclusive();
/// let report = pushlock::locks();
/// let text = report.to_string();
/// assert!(text.contains("(example)"));
/// assert!(text.contains("Exclusively owned"));
/// assert!(report.deadlocks.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocksReport {
    /// Every resource owned or waited on (see the module doc for what is listed).
    pub resources: Vec<ResourceSnapshot>,
    /// Push locks held (empty without the `verifier` feature).
    pub push_locks: Vec<PushLockSnapshot>,
    /// Every cycle of the wait-for graph.
    pub deadlocks: Vec<DeadlockCycle>,
}

impl LocksReport {
    /// The snapshot of the resource at `address`, if listed.
    pub fn resource(&self, address: usize) -> Option<&ResourceSnapshot> {
        self.resources.iter().find(|r| r.address == address)
    }

    /// Whether the wait-for graph has a cycle.
    pub fn has_deadlock(&self) -> bool {
        !self.deadlocks.is_empty()
    }
}

fn thread_label(id: usize, name: &Option<String>) -> String {
    match name {
        Some(name) => format!("{id:x} ({name})"),
        None => format!("{id:x}"),
    }
}

impl fmt::Display for LocksReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "**** DUMP OF ALL RESOURCE OBJECTS ****")?;
        for r in &self.resources {
            writeln!(f)?;
            let name = r.name.map(|n| format!(" ({n})")).unwrap_or_default();
            let mode = if r.exclusive {
                "Exclusively owned".to_owned()
            } else if r.owners.is_empty() {
                "Not owned".to_owned()
            } else {
                format!("Shared {} owning threads", r.owners.len())
            };
            writeln!(f, "Resource @ {:#x}{name}    {mode}", r.address)?;
            writeln!(f, "    Contention Count = {}", r.contention_count)?;
            if r.shared_waiters > 0 {
                writeln!(f, "    NumberOfSharedWaiters = {}", r.shared_waiters)?;
            }
            if r.exclusive_waiters > 0 {
                writeln!(f, "    NumberOfExclusiveWaiters = {}", r.exclusive_waiters)?;
            }
            write!(f, "     Threads:")?;
            for owner in &r.owners {
                let kind = if owner.is_owner_pointer {
                    " (owner pointer)"
                } else {
                    ""
                };
                write!(f, " {:x}-{:02x}<*>{kind}", owner.owner, owner.count)?;
            }
            writeln!(f)?;
            for owner in r.owners.iter().filter(|o| o.thread_name.is_some()) {
                writeln!(
                    f,
                    "       {}",
                    thread_label(owner.owner, &owner.thread_name)
                )?;
            }
            for (exclusive, title) in [(false, "Shared"), (true, "Exclusive")] {
                let waiting: Vec<_> = r
                    .waiters
                    .iter()
                    .filter(|w| w.exclusive == exclusive)
                    .collect();
                if waiting.is_empty() {
                    continue;
                }
                writeln!(f, "     Threads Waiting On {title} Access:")?;
                for waiter in waiting {
                    writeln!(
                        f,
                        "       {}",
                        thread_label(waiter.thread, &waiter.thread_name)
                    )?;
                }
            }
        }
        if !self.push_locks.is_empty() {
            writeln!(f)?;
            writeln!(f, "**** PUSH LOCKS HELD (verifier) ****")?;
            for p in &self.push_locks {
                let mode = if p.exclusive { "Exclusive" } else { "Shared" };
                writeln!(
                    f,
                    "PushLock @ {:#x}    {mode}    Thread: {}-{:02x}<*>",
                    p.address,
                    thread_label(p.thread, &p.thread_name),
                    p.count
                )?;
            }
        }
        writeln!(f)?;
        let held = self
            .resources
            .iter()
            .filter(|r| !r.owners.is_empty())
            .count();
        writeln!(
            f,
            "{} total locks, {held} locks currently held",
            self.resources.len() + self.push_locks.len()
        )?;
        for (i, cycle) in self.deadlocks.iter().enumerate() {
            writeln!(f)?;
            writeln!(
                f,
                "**** deadlock {}: {} threads wait on each other ****",
                i + 1,
                cycle.steps.len()
            )?;
            for (j, step) in cycle.steps.iter().enumerate() {
                let lock_name = step
                    .lock_name
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                let owner = &cycle.steps[(j + 1) % cycle.steps.len()];
                writeln!(
                    f,
                    "    thread {} waits for Resource @ {:#x}{lock_name}, owned by thread {}",
                    thread_label(step.thread, &step.thread_name),
                    step.lock,
                    thread_label(owner.thread, &owner.thread_name)
                )?;
            }
        }
        Ok(())
    }
}

/// Snapshot of every owned or waited-on resource (D1) with the wait-for cycles (D2).
///
/// Takes each owner table's lock in turn (never two at once), so it is safe to call
/// at any time, including from a deadlock reporter while other threads are stuck.
///
/// # Examples
///
/// ```
/// let report = pushlock::locks();
/// assert!(!report.to_string().contains("deadlock"));
/// ```
pub fn locks() -> LocksReport {
    let mut resources = Vec::new();
    for table in registry::all() {
        let Some(TableSnapshot {
            address,
            name,
            exclusive,
            owners,
            waiters,
            contention,
            exclusive_waiters: xw,
            shared_waiters: sw,
        }) = table.snapshot()
        else {
            continue;
        };
        resources.push(ResourceSnapshot {
            address,
            name,
            exclusive,
            owners: owners
                .into_iter()
                .map(|(owner, count)| OwnerSnapshot {
                    owner,
                    is_owner_pointer: owner & 3 == 3,
                    thread_name: crate::sys::thread_name(owner),
                    count,
                })
                .collect(),
            waiters: waiters
                .into_iter()
                .map(|(thread, exclusive)| WaiterSnapshot {
                    thread,
                    thread_name: crate::sys::thread_name(thread),
                    exclusive,
                })
                .collect(),
            contention_count: contention,
            exclusive_waiters: xw,
            shared_waiters: sw,
        });
    }
    resources.sort_by_key(|r| r.address);
    let push_locks = verifier::held_push_locks()
        .into_iter()
        .map(|held| PushLockSnapshot {
            address: held.lock,
            thread: held.thread,
            thread_name: crate::sys::thread_name(held.thread),
            exclusive: held.mode == Mode::Exclusive,
            count: held.count,
        })
        .collect();
    let deadlocks = wait_for_cycles(&resources);
    LocksReport {
        resources,
        push_locks,
        deadlocks,
    }
}

fn wait_for_cycles(resources: &[ResourceSnapshot]) -> Vec<DeadlockCycle> {
    let mut edges = Vec::new();
    for r in resources {
        for waiter in &r.waiters {
            for owner in r.owners.iter().filter(|o| !o.is_owner_pointer) {
                // A waiter that owns the lock itself (a shared owner asking for
                // exclusive) is a cycle of one: a self-deadlock.
                edges.push(WaitEdge {
                    from: waiter.thread,
                    lock: r.address,
                    to: owner.owner,
                });
            }
        }
    }
    find_cycles(&edges)
        .into_iter()
        .map(|cycle| DeadlockCycle {
            steps: cycle
                .into_iter()
                .map(|edge| CycleStep {
                    thread: edge.from,
                    thread_name: crate::sys::thread_name(edge.from),
                    lock: edge.lock,
                    lock_name: resources
                        .iter()
                        .find(|r| r.address == edge.lock)
                        .and_then(|r| r.name),
                })
                .collect(),
        })
        .collect()
}
