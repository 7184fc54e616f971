//! The checked-in header is what cbindgen makes of the crate today.

#![cfg(not(pushlock_loom))]

use std::path::Path;

fn generate() -> String {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml parses");
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src/lib.rs"))
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut out);
    String::from_utf8(out).expect("header is UTF-8")
}

#[test]
fn c1_header_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("include/pushlock.h");
    let fresh = generate();
    if std::env::var_os("PUSHLOCK_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &fresh).expect("write include/pushlock.h");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "include/pushlock.h is out of date; regenerate it with \
         `PUSHLOCK_UPDATE_HEADER=1 cargo test -p pushlock-ffi --test header`"
    );
}

#[test]
fn c1_header_declares_every_spec_function_once() {
    let header = generate();
    for name in [
        "FltInitializePushLock",
        "FltAcquirePushLockExclusive",
        "FltAcquirePushLockShared",
        "FltAcquirePushLockExclusiveEx",
        "FltAcquirePushLockSharedEx",
        "FltReleasePushLock",
        "FltDeletePushLock",
        "FltAcquireResourceExclusive",
        "FltAcquireResourceShared",
        "FltReleaseResource",
        "ExInitializeResourceLite",
        "ExDeleteResourceLite",
        "ExReinitializeResourceLite",
        "ExAcquireResourceExclusiveLite",
        "ExAcquireResourceSharedLite",
        "ExAcquireSharedStarveExclusive",
        "ExAcquireSharedWaitForExclusive",
        "ExReleaseResourceLite",
        "ExReleaseResourceForThreadLite",
        "ExConvertExclusiveToSharedLite",
        "ExIsResourceAcquiredExclusiveLite",
        "ExIsResourceAcquiredSharedLite",
        "ExGetExclusiveWaiterCount",
        "ExGetSharedWaiterCount",
        "ExSetResourceOwnerPointer",
        "ExSetResourceOwnerPointerEx",
        "ExGetCurrentResourceThread",
        "KeEnterCriticalRegion",
        "KeLeaveCriticalRegion",
        "FsRtlEnterFileSystem",
        "FsRtlExitFileSystem",
        "KeGetCurrentIrql",
        "KeRaiseIrql",
        "KeLowerIrql",
        "ExInitializeRundownProtection",
        "ExAcquireRundownProtection",
        "ExAcquireRundownProtectionEx",
        "ExReleaseRundownProtection",
        "ExReleaseRundownProtectionEx",
        "ExWaitForRundownProtectionRelease",
        "ExRundownCompleted",
        "ExReInitializeRundownProtection",
        "KeInitializeSpinLock",
        "KeAcquireSpinLock",
        "KeReleaseSpinLock",
        "KeAcquireSpinLockAtDpcLevel",
        "KeReleaseSpinLockFromDpcLevel",
        "KeAcquireInStackQueuedSpinLock",
        "KeReleaseInStackQueuedSpinLock",
        "PushLockSetBugCheckHandler",
        "PushLockFormatLocks",
        "PushLockPrintLocks",
    ] {
        let declarations = header.matches(&format!(" {name}(")).count();
        assert_eq!(
            declarations, 1,
            "{name} declared {declarations} times in the header (want once)"
        );
    }
}
