//! The `0xC4 DRIVER_VERIFIER_DETECTED_VIOLATION` sub-codes: the one table.
//!
//! A stop is a [`crate::BugCheck`] with code `0xC4`; parameter 1 is the sub-code below,
//! parameters 2 to 4 as listed. The message names the source locations involved
//! (`#[track_caller]` sites). "Thread" is the thread's identity (`ERESOURCE_THREAD`,
//! [`crate::thread::ThreadHandle::id`]).
//!
//! | Sub-code | Constant | When | Needs `verifier` | p2, p3, p4 |
//! |---|---|---|---|---|
//! | `0x30` | [`IRQL_RAISE_TO_LOWER`] | `raise_irql` to a level below the current one | no | current level, requested level, 0 |
//! | `0x31` | [`IRQL_LOWER_TO_HIGHER`] | `lower_irql` to a level above the current one | no | current level, requested level, 0 |
//! | `0x3E` | [`LEAVE_WITHOUT_ENTER`] | `leave_critical_region` without a matching enter (A1) | no | thread, 0, 0 |
//! | `0x1000` | [`RECURSIVE_PUSH_LOCK_ACQUIRE`] | a thread that holds a push lock asks for it exclusive, or holds it exclusive and asks shared (P4: would hang) | yes | lock, thread, mode held (1 = exclusive) |
//! | `0x1001` | [`RESOURCE_DELETE_IN_USE`] | delete (`delete_lite`, `Drop`) or `reinitialize` of a resource that is owned or waited on (R13; raised by the resource itself) | no | resource, owner count, waiter count |
//! | `0x1002` | [`SHARED_REACQUIRE_BEHIND_WAITER`] | a shared holder of a push lock asks shared again while a waiter is queued (P4: would hang) | yes | lock, thread, 0 |
//! | `0x1003` | [`LOCK_ORDER_CYCLE`] | an acquire closes a cycle in the lock-order graph: potential deadlock (V2) | yes | lock being acquired, thread, held lock ordered before it now |
//! | `0x1005` | [`RELEASE_NOT_HELD`] | release of a push lock the thread does not hold | yes | lock, thread, 0 |
//! | `0x1006` | [`EXIT_HOLDING_LOCKS`] | a thread exits holding push locks or resources (shown to the handler from its thread-local destructor, no panic) | yes | first lock, thread, number of locks held |
//! | `0x1007` | [`DELETE_HELD_LOCK`] | `flt::delete_push_lock` of a push lock some thread holds or waits for (P10; resources: `0x1001`) | yes | lock, holding or waiting thread, 0 |
//! | `0x1010` | [`ACQUIRE_AT_BAD_IRQL`] | push lock or resource acquire, or a rundown wait (`RundownRef::wait_for_release`), above `APC_LEVEL` (A4) | yes | lock, thread, IRQL |
//! | `0x1011` | [`RELEASE_AT_BAD_IRQL`] | push lock release above `APC_LEVEL`, resource release above `DISPATCH_LEVEL` (A4) | yes | lock, thread, IRQL |
//! | `0x1020` | [`EX_ACQUIRE_OUTSIDE_CRITICAL_REGION`] | an `ExAcquirePushLock…` call ([`crate::ex`]) at `PASSIVE_LEVEL` outside a critical region | yes | lock, thread, 0 |
//! | `0x1021` | [`RELEASE_WRONG_MODE`] | `ExReleasePushLockExclusive` of a push lock held shared, or `…Shared` of one held exclusive | yes | lock, thread, mode held (1 = exclusive) |
//! | `0x1030` | [`RUNDOWN_RELEASE_NOT_ACQUIRED`] | a rundown release of more protections than are held ([`crate::RundownRef`]) | no | reference, count held, count released |
//! | `0x1031` | [`RUNDOWN_WAIT_TWICE`] | a second rundown wait: one in progress, or rundown completed and not reinitialized | no | reference, thread, 1 if completed |
//! | `0x1032` | [`RUNDOWN_BAD_STATE`] | `completed` / `reinitialize` of a rundown reference whose rundown has not finished | no | reference, rundown bit, count or block address |
//! | `0x1033` | [`RUNDOWN_COUNT_OVERFLOW`] | a rundown acquire that overflows the count | no | reference, count held, count asked |
//! | `0x1040` | [`SPIN_LOCK_BELOW_DISPATCH`] | `SpinLock::acquire_at_dpc_level` / `release_from_dpc_level` (`KeAcquireSpinLockAtDpcLevel`, `KeReleaseSpinLockFromDpcLevel`) below `DISPATCH_LEVEL` | yes | lock, thread, IRQL |
//!
//! Other bug checks (not `0xC4`): `0x0F` / `0x10` for a spin lock acquired by its
//! holder / released by another thread ([`crate::SpinLock`]), `0x20` for a thread exiting inside a critical region
//! (A3), `0x152` for bad push lock flags (P9), `0xE3` / `0x16E` for resource releases
//! (R11: the verifier leaves unowned resource releases to the resource itself, as it
//! leaves R13's in-use delete to the resource's always-on `0x1001` check).
//!
//! # Examples
//!
//! ```
//! assert_eq!(pushlock::verifier_codes::LEAVE_WITHOUT_ENTER, 0x3E);
//! ```

/// `raise_irql` to a lower level.
pub const IRQL_RAISE_TO_LOWER: usize = 0x30;
/// `lower_irql` to a higher level.
pub const IRQL_LOWER_TO_HIGHER: usize = 0x31;
/// `leave_critical_region` without a matching enter (A1).
pub const LEAVE_WITHOUT_ENTER: usize = 0x3E;
/// Recursive push lock acquire that would hang (P4, V1).
pub const RECURSIVE_PUSH_LOCK_ACQUIRE: usize = 0x1000;
/// Delete or reinitialize of an owned or waited-on resource (R13), raised by the
/// resource itself, with or without the verifier (the same value as
/// `codes::VERIFIER_RESOURCE_DELETE_IN_USE` where the resource defines it).
pub const RESOURCE_DELETE_IN_USE: usize = 0x1001;
/// Shared re-acquire of a push lock behind a queued waiter (P4, V1).
pub const SHARED_REACQUIRE_BEHIND_WAITER: usize = 0x1002;
/// Lock-order cycle: potential deadlock (V2).
pub const LOCK_ORDER_CYCLE: usize = 0x1003;
/// Release of a push lock the thread does not hold (V1).
pub const RELEASE_NOT_HELD: usize = 0x1005;
/// Thread exit while holding locks (V1).
pub const EXIT_HOLDING_LOCKS: usize = 0x1006;
/// Delete of a held or waited-on push lock (P10, V1).
pub const DELETE_HELD_LOCK: usize = 0x1007;
/// Acquire above `APC_LEVEL` (A4, V3).
pub const ACQUIRE_AT_BAD_IRQL: usize = 0x1010;
/// Release above the kind's allowed IRQL (A4, V3).
pub const RELEASE_AT_BAD_IRQL: usize = 0x1011;
/// An Ex push lock acquire at `PASSIVE_LEVEL` outside a critical region (A1, V1).
pub const EX_ACQUIRE_OUTSIDE_CRITICAL_REGION: usize = 0x1020;
/// A mode-naming push lock release in the other mode than the one held (V1).
pub const RELEASE_WRONG_MODE: usize = 0x1021;
/// A rundown release of more protections than are held (never needs the verifier).
pub const RUNDOWN_RELEASE_NOT_ACQUIRED: usize = 0x1030;
/// A second rundown wait before `reinitialize` (never needs the verifier).
pub const RUNDOWN_WAIT_TWICE: usize = 0x1031;
/// `completed` / `reinitialize` before rundown finished (never needs the verifier).
pub const RUNDOWN_BAD_STATE: usize = 0x1032;
/// A rundown acquire that overflows the count (never needs the verifier).
pub const RUNDOWN_COUNT_OVERFLOW: usize = 0x1033;
/// A `…AtDpcLevel` / `…FromDpcLevel` spin lock call below `DISPATCH_LEVEL` (A4, V3).
pub const SPIN_LOCK_BELOW_DISPATCH: usize = 0x1040;
