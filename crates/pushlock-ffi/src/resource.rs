//! The `ERESOURCE` calls: `ExInitializeResourceLite` … `ExGetCurrentResourceThread`,
//! and the Filter Manager's `FltAcquireResource…` / `FltReleaseResource`.
//!
//! An `ERESOURCE` is 104 bytes of C storage. `ExInitializeResourceLite` places a
//! [`pushlock::Resource`] at its start and, after it, a signature word that says
//! whether the storage holds a live resource; every call checks it, so an
//! uninitialized, deleted or twice-deleted `ERESOURCE` is a bug check (SPEC C2), not
//! undefined behaviour. If a future `Resource` leaves no room for the signature, the
//! signatures move to a side table (`ResourceSignature::Table`), at the cost of a
//! global read lock per call.

use std::collections::HashMap;
use std::mem::{align_of, size_of};
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use pushlock::{OwnerPointer, Resource, flt};

use crate::stop::{
    BAD_OWNER_FLAGS, BAD_OWNER_POINTER, DELETED_RESOURCE, UNINITIALIZED_RESOURCE, enter, guarded,
    stop,
};
use crate::types::{
    BOOLEAN, ERESOURCE, ERESOURCE_THREAD, FALSE, NTSTATUS, PERESOURCE, PVOID, STATUS_SUCCESS, TRUE,
    ULONG,
};

/// "ERESLIVE": the storage holds a live resource.
const LIVE: u64 = u64::from_le_bytes(*b"ERESLIVE");
/// "ERESDEAD": the resource was deleted.
const DELETED: u64 = u64::from_le_bytes(*b"ERESDEAD");

/// Where the signature word lives: after the resource when it fits, else in a table.
const SIGNATURE_OFFSET: usize = (size_of::<Resource>() + 7) & !7;
const SIGNATURE_IN_PLACE: bool = SIGNATURE_OFFSET + 8 <= size_of::<ERESOURCE>();

const _: () = assert!(size_of::<Resource>() <= size_of::<ERESOURCE>());
const _: () = assert!(align_of::<Resource>() <= align_of::<ERESOURCE>());

static SIGNATURE_TABLE: RwLock<Option<HashMap<usize, u64>>> = RwLock::new(None);

fn read_signature(resource: PERESOURCE) -> u64 {
    if SIGNATURE_IN_PLACE {
        // SAFETY: `resource` is non-null, 8-aligned ERESOURCE storage (the exports'
        // contract); the word at SIGNATURE_OFFSET lies inside it (SIGNATURE_IN_PLACE)
        // and is only ever accessed atomically.
        let word = unsafe { &*((resource as *const u8).add(SIGNATURE_OFFSET) as *const AtomicU64) };
        // Acquire pairs with the Release in `write_signature`, so a thread that sees
        // LIVE also sees the resource written before it.
        word.load(Ordering::Acquire)
    } else {
        let table = SIGNATURE_TABLE.read().unwrap_or_else(|e| e.into_inner());
        table
            .as_ref()
            .and_then(|t| t.get(&(resource as usize)).copied())
            .unwrap_or(0)
    }
}

fn write_signature(resource: PERESOURCE, value: u64) {
    if SIGNATURE_IN_PLACE {
        // SAFETY: as in `read_signature`.
        let word = unsafe { &*((resource as *const u8).add(SIGNATURE_OFFSET) as *const AtomicU64) };
        // Release pairs with the Acquire in `read_signature`.
        word.store(value, Ordering::Release);
    } else {
        let mut table = SIGNATURE_TABLE.write().unwrap_or_else(|e| e.into_inner());
        table
            .get_or_insert_with(HashMap::new)
            .insert(resource as usize, value);
    }
}

/// Checks the pointer and the signature, and returns the live resource.
///
/// # Safety
///
/// `resource` is null or points to `ERESOURCE` storage that outlives the returned
/// reference.
pub(crate) unsafe fn live<'a>(resource: PERESOURCE, function: &'static str) -> &'a Resource {
    let resource = enter(resource, function);
    check_live(resource, function);
    // SAFETY: non-null (checked), ERESOURCE storage (contract) holding a `Resource`
    // written by `ExInitializeResourceLite` (the LIVE signature says so), which fits
    // and is aligned (asserted above).
    unsafe { &*(resource as *const Resource) }
}

fn check_live(resource: PERESOURCE, function: &'static str) {
    match read_signature(resource) {
        LIVE => {}
        DELETED => stop(
            DELETED_RESOURCE,
            resource as usize,
            DELETED as usize,
            format!("{function}: ERESOURCE {resource:p} was deleted by ExDeleteResourceLite"),
        ),
        other => stop(
            UNINITIALIZED_RESOURCE,
            resource as usize,
            other as usize,
            format!(
                "{function}: ERESOURCE {resource:p} was never initialized by ExInitializeResourceLite"
            ),
        ),
    }
}

pub(crate) fn boolean(value: bool) -> BOOLEAN {
    if value { TRUE } else { FALSE }
}

/// `ExInitializeResourceLite`: makes the storage a free resource.
///
/// # Safety
///
/// `Resource` points to writable `ERESOURCE` storage that no thread uses as a live
/// resource.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExInitializeResourceLite(Resource: PERESOURCE) -> NTSTATUS {
    guarded(|| {
        let storage = enter(Resource, "ExInitializeResourceLite");
        // SAFETY: non-null, writable, 8-aligned storage large enough for a `Resource`
        // (contract + asserts); nobody uses it as a live resource, so no reference to the
        // old contents exists.
        unsafe { (storage as *mut Resource).write(pushlock::Resource::new()) };
        write_signature(storage, LIVE);
        STATUS_SUCCESS
    })
}

/// `ExDeleteResourceLite`: bug-checks if the resource is owned or waited on;
/// afterwards every call on it is a bug check until it is initialized again.
///
/// # Safety
///
/// `Resource` points to `ERESOURCE` storage.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExDeleteResourceLite(Resource: PERESOURCE) -> NTSTATUS {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        let resource = unsafe { live(Resource, "ExDeleteResourceLite") };
        resource.delete_lite();
        write_signature(Resource, DELETED);
        // SAFETY: the resource is idle (delete_lite bug-checks otherwise) and now marked
        // deleted, so no later call forms a reference to it.
        unsafe { core::ptr::drop_in_place(Resource as *mut pushlock::Resource) };
        STATUS_SUCCESS
    })
}

/// `ExReinitializeResourceLite`: resets an idle resource.
///
/// # Safety
///
/// `Resource` points to `ERESOURCE` storage.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExReinitializeResourceLite(Resource: PERESOURCE) -> NTSTATUS {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        unsafe { live(Resource, "ExReinitializeResourceLite") }.reinitialize();
        STATUS_SUCCESS
    })
}

/// `ExAcquireResourceExclusiveLite`: exclusive, recursive; `Wait = FALSE` never blocks.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExAcquireResourceExclusiveLite(
    Resource: PERESOURCE,
    Wait: BOOLEAN,
) -> BOOLEAN {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        let resource = unsafe { live(Resource, "ExAcquireResourceExclusiveLite") };
        boolean(resource.acquire_exclusive_lite(Wait != FALSE))
    })
}

/// `ExAcquireResourceSharedLite`: shared (an exclusive owner gets one more recursion);
/// `Wait = FALSE` never blocks.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExAcquireResourceSharedLite(
    Resource: PERESOURCE,
    Wait: BOOLEAN,
) -> BOOLEAN {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        let resource = unsafe { live(Resource, "ExAcquireResourceSharedLite") };
        boolean(resource.acquire_shared_lite(Wait != FALSE))
    })
}

/// `ExAcquireSharedStarveExclusive`: shared, ignoring exclusive waiters.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExAcquireSharedStarveExclusive(
    Resource: PERESOURCE,
    Wait: BOOLEAN,
) -> BOOLEAN {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        let resource = unsafe { live(Resource, "ExAcquireSharedStarveExclusive") };
        boolean(resource.acquire_shared_starve_exclusive_lite(Wait != FALSE))
    })
}

/// `ExAcquireSharedWaitForExclusive`: shared, yielding to exclusive waiters even when
/// the caller already owns it shared.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExAcquireSharedWaitForExclusive(
    Resource: PERESOURCE,
    Wait: BOOLEAN,
) -> BOOLEAN {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        let resource = unsafe { live(Resource, "ExAcquireSharedWaitForExclusive") };
        boolean(resource.acquire_shared_wait_for_exclusive_lite(Wait != FALSE))
    })
}

/// `ExReleaseResourceLite`: releases one acquisition of the calling thread (bug check
/// `0xE3` if it owns none).
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExReleaseResourceLite(Resource: PERESOURCE) {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        unsafe { live(Resource, "ExReleaseResourceLite") }.release_lite();
    })
}

/// `ExReleaseResourceForThreadLite`: releases one acquisition of `ResourceThreadId`
/// (a thread from `ExGetCurrentResourceThread`, or an owner pointer), from any thread.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExReleaseResourceForThreadLite(
    Resource: PERESOURCE,
    ResourceThreadId: ERESOURCE_THREAD,
) {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        unsafe { live(Resource, "ExReleaseResourceForThreadLite") }
            .release_for_thread_lite(ResourceThreadId);
    })
}

/// `ExConvertExclusiveToSharedLite`: keeps shared access and lets shared waiters in.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExConvertExclusiveToSharedLite(Resource: PERESOURCE) {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        unsafe { live(Resource, "ExConvertExclusiveToSharedLite") }
            .convert_exclusive_to_shared_lite();
    })
}

/// `ExIsResourceAcquiredExclusiveLite`: whether the calling thread owns it exclusive.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExIsResourceAcquiredExclusiveLite(Resource: PERESOURCE) -> BOOLEAN {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        boolean(
            unsafe { live(Resource, "ExIsResourceAcquiredExclusiveLite") }.is_acquired_exclusive(),
        )
    })
}

/// `ExIsResourceAcquiredSharedLite`: how many times the calling thread owns it (an
/// exclusive ownership counts).
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExIsResourceAcquiredSharedLite(Resource: PERESOURCE) -> ULONG {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        unsafe { live(Resource, "ExIsResourceAcquiredSharedLite") }.shared_count()
    })
}

/// `ExGetExclusiveWaiterCount`.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExGetExclusiveWaiterCount(Resource: PERESOURCE) -> ULONG {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        unsafe { live(Resource, "ExGetExclusiveWaiterCount") }.exclusive_waiters()
    })
}

/// `ExGetSharedWaiterCount`.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExGetSharedWaiterCount(Resource: PERESOURCE) -> ULONG {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        unsafe { live(Resource, "ExGetSharedWaiterCount") }.shared_waiters()
    })
}

/// `ExSetResourceOwnerPointer`: the calling thread's ownership becomes
/// `OwnerPointer`'s (its two low bits must be `11`); only
/// `ExReleaseResourceForThreadLite` naming it releases it afterwards.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExSetResourceOwnerPointer(Resource: PERESOURCE, OwnerPointer: PVOID) {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        let resource = unsafe { live(Resource, "ExSetResourceOwnerPointer") };
        resource.set_owner_pointer_lite(owner_pointer(Resource, OwnerPointer));
    })
}

/// `ExSetResourceOwnerPointerEx`: as `ExSetResourceOwnerPointer`; `Flags` must be 0
/// (`FLAG_OWNER_POINTER_IS_THREAD` is not supported: bug check `0xC4` / `0xF004`).
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExSetResourceOwnerPointerEx(
    Resource: PERESOURCE,
    OwnerPointer: PVOID,
    Flags: ULONG,
) {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        let resource = unsafe { live(Resource, "ExSetResourceOwnerPointerEx") };
        if Flags != 0 {
            stop(
                BAD_OWNER_FLAGS,
                Resource as usize,
                Flags as usize,
                format!("ExSetResourceOwnerPointerEx: unsupported flags {Flags:#x}"),
            );
        }
        resource.set_owner_pointer_lite(owner_pointer(Resource, OwnerPointer));
    })
}

fn owner_pointer(resource: PERESOURCE, pointer: PVOID) -> OwnerPointer {
    OwnerPointer::new(pointer as usize).unwrap_or_else(|| {
        stop(
            BAD_OWNER_POINTER,
            resource as usize,
            pointer as usize,
            format!("ExSetResourceOwnerPointer: owner pointer {pointer:p} must end in binary 11"),
        )
    })
}

/// `ExGetCurrentResourceThread`: the calling thread's owner identity.
#[unsafe(no_mangle)]
pub extern "C" fn ExGetCurrentResourceThread() -> ERESOURCE_THREAD {
    guarded(pushlock::current_resource_thread)
}

/// `FltAcquireResourceExclusive`: enters a critical region and acquires exclusive.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FltAcquireResourceExclusive(Resource: PERESOURCE) {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        flt::acquire_resource_exclusive(unsafe { live(Resource, "FltAcquireResourceExclusive") });
    })
}

/// `FltAcquireResourceShared`: enters a critical region and acquires shared.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FltAcquireResourceShared(Resource: PERESOURCE) {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        flt::acquire_resource_shared(unsafe { live(Resource, "FltAcquireResourceShared") });
    })
}

/// `FltReleaseResource`: releases and leaves the critical region.
///
/// # Safety
///
/// `Resource` points to an `ERESOURCE` initialized by `ExInitializeResourceLite`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FltReleaseResource(Resource: PERESOURCE) {
    guarded(|| {
        // SAFETY: the caller's contract is `live`'s.
        flt::release_resource(unsafe { live(Resource, "FltReleaseResource") });
    })
}
