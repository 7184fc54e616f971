//! `ThreadHandle`: a thread others can queue APCs to.

use std::fmt;
use std::sync::Arc;

use super::shared::ThreadShared;

/// A handle on a thread, for [`super::queue_apc`]. Cheap to clone and sendable; it
/// stays valid after the thread exits (APCs queued then are reported and dropped).
///
/// # Examples
///
/// ```
/// let me = pushlock::thread::current();
/// let copy = me.clone();
/// assert_eq!(copy.id(), me.id());
/// std::thread::spawn(move || assert_ne!(pushlock::thread::current().id(), copy.id()))
///     .join()
///     .unwrap();
/// ```
#[derive(Clone)]
pub struct ThreadHandle {
    pub(super) shared: Arc<ThreadShared>,
}

/// The calling thread's handle (`KeGetCurrentThread`).
///
/// # Examples
///
/// ```
/// let me = pushlock::thread::current();
/// assert_ne!(me.id(), 0);
/// ```
pub fn current() -> ThreadHandle {
    ThreadHandle {
        shared: super::local::shared(),
    }
}

impl ThreadHandle {
    /// The thread's identity, the same number the locks record as owner
    /// (`ERESOURCE_THREAD`): non-zero, low two bits clear, unique among live threads.
    pub fn id(&self) -> usize {
        self.shared.id()
    }

    /// The thread's name, when it has one.
    pub fn name(&self) -> Option<String> {
        self.shared.name().map(str::to_owned)
    }

    /// Whether the thread has exited.
    pub fn has_exited(&self) -> bool {
        self.shared.has_exited()
    }
}

impl fmt::Debug for ThreadHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadHandle")
            .field("id", &format_args!("{:#x}", self.id()))
            .field("name", &self.name())
            .field("exited", &self.has_exited())
            .finish()
    }
}
