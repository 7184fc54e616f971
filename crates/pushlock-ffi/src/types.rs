//! The kernel's C types, as `ntdef.h` / `wdm.h` spell them.
//!
//! The `ntdef.h` / `wdm.h` basics (`BOOLEAN`, `ULONG`, `ULONG_PTR`, `NTSTATUS`, `PVOID`,
//! `KIRQL`, `PKIRQL`, `TRUE`, `FALSE`, `STATUS_SUCCESS`, `STATUS_UNSUCCESSFUL` and the
//! IRQL levels) sit in [`ntdef`], which the header wraps in
//! `#if !defined(PUSHLOCK_NO_KERNEL_TYPES)`: a C file whose own test shim or WDK-like
//! header already has them defines `PUSHLOCK_NO_KERNEL_TYPES` before including
//! `pushlock.h`. (The Rust cfg `pushlock_no_kernel_types` only names that macro for
//! cbindgen; a Rust build never sets it.)

pub use ntdef::*;

/// The `ntdef.h` / `wdm.h` basics, guarded in C by `PUSHLOCK_NO_KERNEL_TYPES`.
#[cfg(not(pushlock_no_kernel_types))]
mod ntdef {
    /// `BOOLEAN`: 0 is `FALSE`, anything else `TRUE`.
    pub type BOOLEAN = u8;
    /// `ULONG`.
    pub type ULONG = u32;
    /// `ULONG_PTR`: an unsigned integer as wide as a pointer.
    pub type ULONG_PTR = usize;
    /// `NTSTATUS`.
    pub type NTSTATUS = i32;
    /// `KIRQL`: the simulated interrupt request level of the calling thread.
    pub type KIRQL = u8;
    /// `PKIRQL`.
    pub type PKIRQL = *mut KIRQL;
    /// `PVOID`.
    pub type PVOID = *mut core::ffi::c_void;

    /// `STATUS_SUCCESS`.
    pub const STATUS_SUCCESS: NTSTATUS = 0;
    /// `STATUS_UNSUCCESSFUL`: what a call returns after the C bug-check handler
    /// continued from a stop inside it.
    pub const STATUS_UNSUCCESSFUL: NTSTATUS = 0xC000_0001_u32 as NTSTATUS;
    /// `TRUE`.
    pub const TRUE: BOOLEAN = 1;
    /// `FALSE`.
    pub const FALSE: BOOLEAN = 0;
    /// `PASSIVE_LEVEL`.
    pub const PASSIVE_LEVEL: KIRQL = 0;
    /// `APC_LEVEL`.
    pub const APC_LEVEL: KIRQL = 1;
    /// `DISPATCH_LEVEL`.
    pub const DISPATCH_LEVEL: KIRQL = 2;
}

/// `ERESOURCE_THREAD`: the identity of a resource owner (a thread, or an owner pointer
/// whose two low bits are `11`).
pub type ERESOURCE_THREAD = ULONG_PTR;
/// `EX_PUSH_LOCK`: one machine word; initialize it with `FltInitializePushLock`.
pub type EX_PUSH_LOCK = ULONG_PTR;
/// `PEX_PUSH_LOCK`.
pub type PEX_PUSH_LOCK = *mut EX_PUSH_LOCK;

/// `EX_RUNDOWN_REF`: one machine word (the kernel's union of `Count` and `Ptr`);
/// initialize it with `ExInitializeRundownProtection` and leave it alone after.
#[repr(C)]
pub struct EX_RUNDOWN_REF {
    /// Reserved for the implementation (protections held, in units of two, while no
    /// rundown is in progress).
    pub Count: ULONG_PTR,
}
/// `PEX_RUNDOWN_REF`.
pub type PEX_RUNDOWN_REF = *mut EX_RUNDOWN_REF;

/// `KSPIN_LOCK`: one machine word; initialize it with `KeInitializeSpinLock`.
pub type KSPIN_LOCK = ULONG_PTR;
/// `PKSPIN_LOCK`.
pub type PKSPIN_LOCK = *mut KSPIN_LOCK;

/// `KSPIN_LOCK_QUEUE`: the queue entry of an in-stack queued spin lock.
#[repr(C)]
pub struct KSPIN_LOCK_QUEUE {
    /// Reserved (always NULL here).
    pub Next: *mut KSPIN_LOCK_QUEUE,
    /// The lock this entry holds.
    pub Lock: PKSPIN_LOCK,
}

/// `KLOCK_QUEUE_HANDLE`: filled by `KeAcquireInStackQueuedSpinLock`, passed to
/// `KeReleaseInStackQueuedSpinLock`.
#[repr(C)]
pub struct KLOCK_QUEUE_HANDLE {
    /// The queue entry.
    pub LockQueue: KSPIN_LOCK_QUEUE,
    /// The IRQL the release restores.
    pub OldIrql: KIRQL,
}
/// `PKLOCK_QUEUE_HANDLE`.
pub type PKLOCK_QUEUE_HANDLE = *mut KLOCK_QUEUE_HANDLE;

/// `FLT_PUSH_LOCK_ENABLE_AUTO_BOOST`: documented as having no effect.
pub const FLT_PUSH_LOCK_ENABLE_AUTO_BOOST: ULONG = 1;
/// `FLT_PUSH_LOCK_DISABLE_AUTO_BOOST`.
pub const FLT_PUSH_LOCK_DISABLE_AUTO_BOOST: ULONG = 2;
/// `FLAG_OWNER_POINTER_IS_THREAD` for `ExSetResourceOwnerPointerEx` (not supported
/// here: the owner must be an owner pointer).
pub const FLAG_OWNER_POINTER_IS_THREAD: ULONG = 1;

/// A bug-check handler for `PushLockSetBugCheckHandler`: called with the code, the
/// four parameters, the stop screen as text (valid during the call) and the context
/// given at registration. Returning means "continue": the call that bug-checked
/// returns to its caller at once (`FALSE`, 0 or `STATUS_UNSUCCESSFUL`).
pub type PUSHLOCK_BUGCHECK_HANDLER = Option<
    unsafe extern "C" fn(
        BugCheckCode: ULONG,
        Parameter1: ULONG_PTR,
        Parameter2: ULONG_PTR,
        Parameter3: ULONG_PTR,
        Parameter4: ULONG_PTR,
        StopText: *const core::ffi::c_char,
        Context: PVOID,
    ),
>;

/// `ERESOURCE`: opaque storage of the x64 size (0x68 bytes, 8-aligned) that C code
/// embeds by value and initializes with `ExInitializeResourceLite`.
#[repr(C)]
pub struct ERESOURCE {
    /// Reserved for the implementation.
    pub Opaque: [u64; 13],
}

/// `PERESOURCE`.
pub type PERESOURCE = *mut ERESOURCE;

const _: () = assert!(core::mem::size_of::<ERESOURCE>() == 0x68);
const _: () = assert!(core::mem::align_of::<ERESOURCE>() == 8);
const _: () =
    assert!(core::mem::size_of::<EX_PUSH_LOCK>() == core::mem::size_of::<pushlock::RawPushLock>());
const _: () = assert!(
    core::mem::align_of::<EX_PUSH_LOCK>() == core::mem::align_of::<pushlock::RawPushLock>()
);
const _: () =
    assert!(core::mem::size_of::<EX_RUNDOWN_REF>() == core::mem::size_of::<pushlock::RundownRef>());
const _: () = assert!(
    core::mem::align_of::<EX_RUNDOWN_REF>() == core::mem::align_of::<pushlock::RundownRef>()
);
const _: () =
    assert!(core::mem::size_of::<KSPIN_LOCK>() == core::mem::size_of::<pushlock::SpinLock>());
const _: () =
    assert!(core::mem::align_of::<KSPIN_LOCK>() == core::mem::align_of::<pushlock::SpinLock>());
