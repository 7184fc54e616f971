//! The guard API's types: [`ResourceGuard`] (one acquisition, released on drop),
//! [`OwnerPointer`] and [`TransferredResource`] (R10), built on the Lite API of
//! [`Resource`] so that Rust and C share one implementation.

use std::marker::PhantomData;

use super::Resource;
use crate::verifier::{self, LockKind};

/// One acquisition of a [`Resource`] by the calling thread; releases on drop.
///
/// # Examples
///
/// ```
/// let r = pushlock::Resource::new();
/// {
///     let _guard = r.acquire_shared();
///     assert_eq!(r.shared_count(), 1);
/// }
/// assert_eq!(r.shared_count(), 0);
/// ```
#[must_use = "the resource is released as soon as the guard is dropped"]
pub struct ResourceGuard<'a> {
    pub(super) resource: &'a Resource,
    pub(super) _not_send: PhantomData<*mut ()>,
}

impl<'a> ResourceGuard<'a> {
    /// `ExConvertExclusiveToSharedLite` (R8): see
    /// [`Resource::convert_exclusive_to_shared_lite`] (the thread's whole ownership
    /// converts).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// let mut guard = r.acquire_exclusive();
    /// guard.convert_to_shared();
    /// assert!(!r.is_acquired_exclusive());
    /// ```
    #[track_caller]
    pub fn convert_to_shared(&mut self) {
        self.resource.convert_exclusive_to_shared_lite();
    }

    /// `ExSetResourceOwnerPointer` for this one acquisition (R10): it now belongs to
    /// `owner` and may be released from any thread.
    ///
    /// # Panics
    ///
    /// Bug check `0x16E` when this is one recursion of a deeper exclusive
    /// ownership (release the inner guards first).
    ///
    /// # Examples
    ///
    /// ```
    /// use pushlock::{OwnerPointer, Resource};
    ///
    /// let r = Resource::new();
    /// let moved = r.acquire_exclusive().transfer(OwnerPointer::new(0xF3).unwrap());
    /// assert!(!r.is_acquired_exclusive());
    /// std::thread::scope(|s| {
    ///     s.spawn(move || moved.release());
    /// });
    /// ```
    #[track_caller]
    pub fn transfer(self, owner: OwnerPointer) -> TransferredResource<'a> {
        let resource = self.resource;
        std::mem::forget(self);
        verifier::on_release(resource.addr(), LockKind::Resource);
        resource.transfer(owner, true);
        TransferredResource { resource, owner }
    }
}

impl Drop for ResourceGuard<'_> {
    #[inline]
    #[track_caller]
    fn drop(&mut self) {
        self.resource.release_lite();
    }
}

/// An owner pointer (`ERESOURCE_THREAD` with the two low bits `11`).
///
/// # Examples
///
/// ```
/// use pushlock::OwnerPointer;
/// assert!(OwnerPointer::new(0x1000).is_none());
/// assert_eq!(OwnerPointer::new(0x1003).unwrap().get(), 0x1003);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OwnerPointer(usize);

impl OwnerPointer {
    /// `Some` if the two low bits of `value` are `11` (R10).
    pub const fn new(value: usize) -> Option<Self> {
        if value & 3 == 3 {
            Some(Self(value))
        } else {
            None
        }
    }

    /// The owner value.
    pub const fn get(self) -> usize {
        self.0
    }
}

/// An acquisition owned by an owner pointer; releasable from any thread.
///
/// # Examples
///
/// See [`ResourceGuard::transfer`].
#[must_use = "a transferred acquisition stays owned until released"]
pub struct TransferredResource<'a> {
    resource: &'a Resource,
    owner: OwnerPointer,
}

impl TransferredResource<'_> {
    /// `ExReleaseResourceForThreadLite` naming the owner pointer.
    ///
    /// # Examples
    ///
    /// See [`ResourceGuard::transfer`].
    #[track_caller]
    pub fn release(self) {
        self.resource.release_for_thread_lite(self.owner.get());
    }

    /// The owner pointer that owns this acquisition.
    pub fn owner(&self) -> OwnerPointer {
        self.owner
    }
}

/// `ExGetCurrentResourceThread`: the calling thread's owner value.
///
/// # Examples
///
/// ```
/// assert_eq!(pushlock::current_resource_thread() & 3, 0);
/// ```
pub fn current_resource_thread() -> usize {
    crate::sys::thread_id()
}

/// The guard-returning methods, built on the Lite API.
impl Resource {
    // ---- guard API ------------------------------------------------------------------

    #[inline]
    fn guard(&self) -> ResourceGuard<'_> {
        ResourceGuard {
            resource: self,
            _not_send: PhantomData,
        }
    }

    /// Exclusive (recursive) ownership, waiting as long as it takes (R2, R12).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// let _guard = r.acquire_exclusive();
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_exclusive(&self) -> ResourceGuard<'_> {
        self.acquire_exclusive_lite(true);
        self.guard()
    }

    /// Shared ownership (R3).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// let _a = r.acquire_shared();
    /// let _b = r.acquire_shared();
    /// assert_eq!(r.shared_count(), 2);
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_shared(&self) -> ResourceGuard<'_> {
        self.acquire_shared_lite(true);
        self.guard()
    }

    /// Shared ownership that ignores exclusive waiters (R4).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// let _guard = r.acquire_shared_starve_exclusive();
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_shared_starve_exclusive(&self) -> ResourceGuard<'_> {
        self.acquire_shared_starve_exclusive_lite(true);
        self.guard()
    }

    /// Shared ownership that yields to exclusive waiters even for a shared owner (R5).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// let _guard = r.acquire_shared_wait_for_exclusive();
    /// ```
    #[inline]
    #[track_caller]
    pub fn acquire_shared_wait_for_exclusive(&self) -> ResourceGuard<'_> {
        self.acquire_shared_wait_for_exclusive_lite(true);
        self.guard()
    }

    /// `Wait = FALSE` exclusive acquire (R6).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// let shared = r.acquire_shared();
    /// assert!(r.try_acquire_exclusive().is_none()); // R5: a shared owner gets FALSE
    /// drop(shared);
    /// assert!(r.try_acquire_exclusive().is_some());
    /// ```
    #[inline]
    #[track_caller]
    pub fn try_acquire_exclusive(&self) -> Option<ResourceGuard<'_>> {
        self.acquire_exclusive_lite(false).then(|| self.guard())
    }

    /// `Wait = FALSE` shared acquire (R6).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// assert!(r.try_acquire_shared().is_some());
    /// ```
    #[inline]
    #[track_caller]
    pub fn try_acquire_shared(&self) -> Option<ResourceGuard<'_>> {
        self.acquire_shared_lite(false).then(|| self.guard())
    }

    /// `Wait = FALSE` starve-exclusive acquire (R6).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// assert!(r.try_acquire_shared_starve_exclusive().is_some());
    /// ```
    #[inline]
    #[track_caller]
    pub fn try_acquire_shared_starve_exclusive(&self) -> Option<ResourceGuard<'_>> {
        self.acquire_shared_starve_exclusive_lite(false)
            .then(|| self.guard())
    }

    /// `Wait = FALSE` wait-for-exclusive acquire (R6).
    ///
    /// # Examples
    ///
    /// ```
    /// let r = pushlock::Resource::new();
    /// assert!(r.try_acquire_shared_wait_for_exclusive().is_some());
    /// ```
    #[inline]
    #[track_caller]
    pub fn try_acquire_shared_wait_for_exclusive(&self) -> Option<ResourceGuard<'_>> {
        self.acquire_shared_wait_for_exclusive_lite(false)
            .then(|| self.guard())
    }
}
