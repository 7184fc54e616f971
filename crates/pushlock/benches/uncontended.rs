//! Placeholder: the uncontended acquire+release bench lands with the push lock.
fn main() {}
