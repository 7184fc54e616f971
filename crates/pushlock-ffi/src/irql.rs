//! Critical regions (`KeEnterCriticalRegion`, `FsRtlEnterFileSystem`, …) and the
//! simulated IRQL (`KeGetCurrentIrql`, `KeRaiseIrql`, `KeLowerIrql`).

use pushlock::thread::{self, Irql};

use crate::stop::{enter, guarded, install_abort_handler};
use crate::types::{KIRQL, PKIRQL};

/// `KeEnterCriticalRegion`: disables normal kernel APCs for the calling thread.
#[unsafe(no_mangle)]
pub extern "C" fn KeEnterCriticalRegion() {
    guarded(|| {
        install_abort_handler();
        thread::enter_critical_region();
    })
}

/// `KeLeaveCriticalRegion`: a leave without an enter is bug check `0xC4` / `0x3E`.
#[unsafe(no_mangle)]
pub extern "C" fn KeLeaveCriticalRegion() {
    guarded(|| {
        install_abort_handler();
        thread::leave_critical_region();
    })
}

/// `FsRtlEnterFileSystem`: the same as `KeEnterCriticalRegion`.
#[unsafe(no_mangle)]
pub extern "C" fn FsRtlEnterFileSystem() {
    guarded(|| {
        KeEnterCriticalRegion();
    })
}

/// `FsRtlExitFileSystem`: the same as `KeLeaveCriticalRegion`.
#[unsafe(no_mangle)]
pub extern "C" fn FsRtlExitFileSystem() {
    guarded(|| {
        KeLeaveCriticalRegion();
    })
}

/// `KeGetCurrentIrql`.
#[unsafe(no_mangle)]
pub extern "C" fn KeGetCurrentIrql() -> KIRQL {
    guarded(|| {
        install_abort_handler();
        thread::current_irql().0
    })
}

/// `KeRaiseIrql`: raises to `NewIrql` and stores the previous level in `*OldIrql`.
///
/// # Safety
///
/// `OldIrql` points to a writable `KIRQL`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn KeRaiseIrql(NewIrql: KIRQL, OldIrql: PKIRQL) {
    guarded(|| {
        let old_irql = enter(OldIrql, "KeRaiseIrql");
        let old = thread::raise_irql(Irql(NewIrql));
        // SAFETY: non-null (checked by `enter`) and writable (this fn's contract).
        unsafe { old_irql.write(old.0) };
    })
}

/// `KeLowerIrql`: back to `NewIrql` (the value `KeRaiseIrql` returned).
#[unsafe(no_mangle)]
pub extern "C" fn KeLowerIrql(NewIrql: KIRQL) {
    guarded(|| {
        install_abort_handler();
        thread::lower_irql(Irql(NewIrql));
    })
}
