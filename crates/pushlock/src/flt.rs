//! STUB (API only): the Filter Manager layer lands with issue 4.
#![allow(missing_docs, clippy::missing_safety_doc)]

use crate::{RawPushLock, Resource};

pub const FLT_PUSH_LOCK_ENABLE_AUTO_BOOST: u32 = 1;
pub const FLT_PUSH_LOCK_DISABLE_AUTO_BOOST: u32 = 2;

pub fn acquire_push_lock_exclusive(_lock: &RawPushLock) {
    todo!()
}
pub fn acquire_push_lock_shared(_lock: &RawPushLock) {
    todo!()
}
pub fn acquire_push_lock_exclusive_ex(_lock: &RawPushLock, _flags: u32) {
    todo!()
}
pub fn acquire_push_lock_shared_ex(_lock: &RawPushLock, _flags: u32) {
    todo!()
}
pub unsafe fn release_push_lock(_lock: &RawPushLock) {
    todo!()
}
pub fn delete_push_lock(_lock: &RawPushLock) {
    todo!()
}
pub fn acquire_resource_exclusive(_resource: &Resource) {
    todo!()
}
pub fn acquire_resource_shared(_resource: &Resource) {
    todo!()
}
pub fn release_resource(_resource: &Resource) {
    todo!()
}
