//! STUB (API only): the `!locks` report lands with issue 3.
#![allow(missing_docs)]

/// The `!locks` snapshot.
#[derive(Debug, Default)]
pub struct LocksReport {}

impl std::fmt::Display for LocksReport {
    fn fmt(&self, _f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        todo!()
    }
}

/// Snapshot of every owned or waited-on resource (D1, D2).
pub fn locks() -> LocksReport {
    todo!()
}
