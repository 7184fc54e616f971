//! STUB (API only): the executive resource lands with issue 3. Signatures are fixed;
//! bodies are `todo!()`.
#![allow(missing_docs, clippy::new_without_default)]

use std::marker::PhantomData;

/// The executive resource (`ERESOURCE`).
pub struct Resource {
    _storage: [usize; 13],
}

impl Resource {
    pub const fn new() -> Self {
        Self { _storage: [0; 13] }
    }
    pub const fn with_name(_name: &'static str) -> Self {
        Self::new()
    }
    pub fn acquire_exclusive(&self) -> ResourceGuard<'_> {
        todo!()
    }
    pub fn acquire_shared(&self) -> ResourceGuard<'_> {
        todo!()
    }
    pub fn acquire_shared_starve_exclusive(&self) -> ResourceGuard<'_> {
        todo!()
    }
    pub fn acquire_shared_wait_for_exclusive(&self) -> ResourceGuard<'_> {
        todo!()
    }
    pub fn try_acquire_exclusive(&self) -> Option<ResourceGuard<'_>> {
        todo!()
    }
    pub fn try_acquire_shared(&self) -> Option<ResourceGuard<'_>> {
        todo!()
    }
    pub fn try_acquire_shared_starve_exclusive(&self) -> Option<ResourceGuard<'_>> {
        todo!()
    }
    pub fn try_acquire_shared_wait_for_exclusive(&self) -> Option<ResourceGuard<'_>> {
        todo!()
    }
    pub fn acquire_exclusive_lite(&self, _wait: bool) -> bool {
        todo!()
    }
    pub fn acquire_shared_lite(&self, _wait: bool) -> bool {
        todo!()
    }
    pub fn acquire_shared_starve_exclusive_lite(&self, _wait: bool) -> bool {
        todo!()
    }
    pub fn acquire_shared_wait_for_exclusive_lite(&self, _wait: bool) -> bool {
        todo!()
    }
    pub fn release_lite(&self) {
        todo!()
    }
    pub fn release_for_thread_lite(&self, _owner: usize) {
        todo!()
    }
    pub fn convert_exclusive_to_shared_lite(&self) {
        todo!()
    }
    pub fn set_owner_pointer_lite(&self, _owner: OwnerPointer) {
        todo!()
    }
    pub fn delete_lite(&self) {
        todo!()
    }
    pub fn reinitialize(&self) {
        todo!()
    }
    pub fn is_acquired_exclusive(&self) -> bool {
        todo!()
    }
    pub fn shared_count(&self) -> u32 {
        todo!()
    }
    pub fn exclusive_waiters(&self) -> u32 {
        todo!()
    }
    pub fn shared_waiters(&self) -> u32 {
        todo!()
    }
    pub fn contention_count(&self) -> u32 {
        todo!()
    }
}

/// One acquisition of a [`Resource`] by the calling thread; releases on drop.
#[must_use]
pub struct ResourceGuard<'a> {
    _resource: &'a Resource,
    _not_send: PhantomData<*mut ()>,
}

impl<'a> ResourceGuard<'a> {
    pub fn convert_to_shared(&mut self) {
        todo!()
    }
    pub fn transfer(self, _owner: OwnerPointer) -> TransferredResource<'a> {
        todo!()
    }
}

/// An owner pointer (`ERESOURCE_THREAD` with the two low bits `11`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OwnerPointer(usize);

impl OwnerPointer {
    pub const fn new(value: usize) -> Option<Self> {
        if value & 3 == 3 {
            Some(Self(value))
        } else {
            None
        }
    }
    pub const fn get(self) -> usize {
        self.0
    }
}

/// An acquisition owned by an owner pointer; releasable from any thread.
#[must_use]
pub struct TransferredResource<'a> {
    _resource: &'a Resource,
    _owner: OwnerPointer,
}

impl TransferredResource<'_> {
    pub fn release(self) {
        todo!()
    }
}

/// `ExGetCurrentResourceThread`.
pub fn current_resource_thread() -> usize {
    crate::sys::thread_id()
}
