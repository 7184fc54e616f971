//! Builds the C and C++ programs under `tests/c/` against the static library and
//! runs them (SPEC C1, C2). Needs only the system's `cc` and `c++` (gcc/g++).

#![cfg(not(pushlock_loom))]

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `target/<profile>/deps`: where the test binary lives, and where cargo builds this
/// crate's static library (with every crate type in `[lib]`) before the tests.
fn deps_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    exe.parent().expect("target/<profile>/deps").to_path_buf()
}

fn static_library() -> PathBuf {
    let lib = deps_dir().join("libpushlock_ffi.a");
    assert!(lib.exists(), "{} not built", lib.display());
    lib
}

fn out_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = deps_dir().join("c-tests");
        std::fs::create_dir_all(&dir).expect("create c-tests dir");
        dir
    })
}

/// Compiles `tests/c/<source>` with `compiler` and `flags` (warnings are errors,
/// `-Wredundant-decls` included), linked against the static library; returns the
/// executable.
fn build(compiler: &str, source: &str, flags: &[&str]) -> PathBuf {
    let (exe, output) = compile(compiler, source, flags);
    assert!(
        output.status.success(),
        "{compiler} {source} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    exe
}

/// Runs the compiler as `build` does and returns its output, success or not.
fn compile(compiler: &str, source: &str, flags: &[&str]) -> (PathBuf, Output) {
    let exe = out_dir().join(format!("{}{}", source.replace('.', "_"), flags.concat()));
    let output = Command::new(compiler)
        .args(flags)
        .arg("-Wall")
        .arg("-Wextra")
        .arg("-Wredundant-decls")
        .arg("-Werror")
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg(crate_dir().join("tests/c").join(source))
        .arg("-o")
        .arg(&exe)
        .arg(static_library())
        .args(["-lpthread", "-ldl", "-lm"])
        .output()
        .unwrap_or_else(|e| panic!("cannot run {compiler}: {e}"));
    (exe, output)
}

fn misuse_program() -> &'static PathBuf {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| build("cc", "misuse.c", &["-std=c99"]))
}

fn run(exe: &Path, args: &[&str]) -> Output {
    Command::new(exe)
        .args(args)
        .output()
        .expect("run C program")
}

/// Runs one misuse case and checks it printed the stop code and aborted.
fn assert_stops(case: &str, code: u32, sub_code: Option<usize>) {
    let output = run(misuse_program(), &[case]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.signal(),
        Some(libc_sigabrt()),
        "{case}: expected an abort, got {:?}; stderr:\n{stderr}",
        output.status
    );
    let stop = format!("*** STOP: 0x{code:08X} (");
    assert!(
        stderr.contains(&stop),
        "{case}: no `{stop}` in stderr:\n{stderr}"
    );
    if let Some(sub_code) = sub_code {
        let first = format!("{stop}0x{sub_code:016X},");
        assert!(
            stderr.contains(&first),
            "{case}: no `{first}` in stderr:\n{stderr}"
        );
    }
}

fn libc_sigabrt() -> i32 {
    6
}

#[test]
fn c1_header_compiles_as_c99() {
    build("cc", "readme_example.c", &["-std=c99", "-pedantic"]);
}

#[test]
fn c1_header_compiles_as_cpp() {
    build("c++", "header_cpp.cpp", &["-std=c++17"]);
}

#[test]
fn c1_header_with_predefined_kernel_types_compiles_and_runs() {
    let exe = build("cc", "kernel_types_shim.c", &["-std=c99", "-pedantic"]);
    let output = run(&exe, &[]);
    assert!(output.status.success(), "{output:?}");
    let exe = build("c++", "kernel_types_shim.cpp", &["-std=c++17"]);
    assert!(run(&exe, &[]).status.success());
}

#[test]
fn c1_without_the_opt_out_the_shim_conflicts() {
    // Shows that PUSHLOCK_NO_KERNEL_TYPES is what makes the test above compile.
    let (_, output) = compile(
        "cc",
        "kernel_types_shim.c",
        &["-std=c99", "-DKEEP_PUSHLOCK_TYPES"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "compiled without the opt-out");
    assert!(stderr.contains("conflicting types"), "{stderr}");
}

#[test]
fn c2_bug_check_handler_intercepts_misuse_without_forking() {
    let exe = build("cc", "bugcheck_handler.c", &["-std=c99", "-pedantic"]);
    let output = run(&exe, &[]);
    assert!(
        output.status.success(),
        "bugcheck_handler failed: {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "9 stops intercepted\n"
    );
    // The handler saw every stop, so nothing was printed for them.
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("STOP"),
        "{output:?}"
    );
}

#[test]
fn c1_readme_example_runs() {
    let exe = build("cc", "readme_example.c", &["-std=c99"]);
    let output = run(&exe, &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "value = 42\n");
}

#[test]
fn c1_minifilter_program_holds_every_invariant() {
    let exe = build("cc", "minifilter.c", &["-std=c99", "-O2"]);
    let output = run(&exe, &[]);
    assert!(
        output.status.success(),
        "minifilter failed: {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn c2_null_push_lock_is_a_stop() {
    assert_stops("null_push_lock", 0xC4, Some(0xF000));
}

#[test]
fn c2_null_resource_is_a_stop() {
    assert_stops("null_resource", 0xC4, Some(0xF000));
}

#[test]
fn c2_null_old_irql_is_a_stop() {
    assert_stops("null_old_irql", 0xC4, Some(0xF000));
}

#[test]
fn c2_releasing_an_unowned_resource_is_0xe3() {
    assert_stops("unowned_release", 0xE3, None);
}

#[test]
fn c2_releasing_for_a_bad_owner_is_0x16e() {
    assert_stops("bad_release_owner", 0x16E, None);
}

#[test]
fn c2_bad_push_lock_flags_are_0x152() {
    assert_stops("bad_push_lock_flags", 0x152, Some(4));
}

#[test]
fn c2_uninitialized_resource_is_a_stop() {
    assert_stops("uninitialized_resource", 0xC4, Some(0xF001));
}

#[test]
fn c2_deleted_resource_is_a_stop() {
    assert_stops("deleted_resource", 0xC4, Some(0xF002));
}

#[test]
fn c2_double_delete_is_a_stop() {
    assert_stops("double_delete", 0xC4, Some(0xF002));
}

#[test]
fn c2_deleting_an_owned_resource_is_a_stop() {
    assert_stops("delete_owned", 0xC4, None);
}

#[test]
fn c2_leave_without_enter_is_0xc4_0x3e() {
    assert_stops("leave_without_enter", 0xC4, Some(0x3E));
}

#[test]
fn c2_bad_owner_pointer_is_a_stop() {
    assert_stops("bad_owner_pointer", 0xC4, Some(0xF003));
}

#[test]
fn c1_readme_shows_the_example_the_tests_compile() {
    let example = std::fs::read_to_string(crate_dir().join("tests/c/readme_example.c"))
        .expect("read readme_example.c");
    let readme = std::fs::read_to_string(crate_dir().join("README.md")).expect("README");
    assert!(
        readme.contains(example.trim_end()),
        "crates/pushlock-ffi/README.md's C example differs from tests/c/readme_example.c"
    );
    // The repository README (absent from the packaged crate) shows it too.
    if let Ok(readme) = std::fs::read_to_string(crate_dir().join("../../README.md")) {
        assert!(
            readme.contains(example.trim_end()),
            "README.md's C example differs from tests/c/readme_example.c"
        );
    }
}

/// `tests/c/ex_calls.c`, built once: tests running in parallel must not rebuild the
/// executable another one is starting ("run C program" failed with a busy text file).
fn ex_calls_program() -> &'static PathBuf {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| build("cc", "ex_calls.c", &["-std=c99", "-pedantic"]))
}

#[test]
fn a1_ex_calls_program_runs() {
    let output = run(ex_calls_program(), &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "ok\n");
}

#[cfg(feature = "verifier")]
fn assert_ex_stop(case: &str, sub_code: usize) {
    let output = run(ex_calls_program(), &[case]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.signal(),
        Some(libc_sigabrt()),
        "{case}: {stderr}"
    );
    let first = format!("*** STOP: 0x000000C4 (0x{sub_code:016X},");
    assert!(
        stderr.contains(&first),
        "{case}: no `{first}` in:\n{stderr}"
    );
}

#[cfg(feature = "verifier")]
#[test]
fn v1_ex_acquire_outside_a_region_stops_in_c() {
    assert_ex_stop("outside_region", 0x1020);
}

#[cfg(feature = "verifier")]
#[test]
fn v1_ex_release_in_the_wrong_mode_stops_in_c() {
    assert_ex_stop("wrong_mode", 0x1021);
}

/// `tests/c/rundown.c`, built once for the tests that run it.
fn rundown_program() -> &'static PathBuf {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| build("cc", "rundown.c", &["-std=c99", "-pedantic"]))
}

#[test]
fn c1_rundown_program_runs() {
    let output = run(rundown_program(), &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "ok\n");
}

/// Rundown misuse through C: the stop screen with the sub-code, then an abort
/// (with or without the verifier).
fn assert_rundown_stop(case: &str, sub_code: usize) {
    let output = run(rundown_program(), &[case]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.signal(),
        Some(libc_sigabrt()),
        "{case}: {stderr}"
    );
    let first = format!("*** STOP: 0x000000C4 (0x{sub_code:016X},");
    assert!(
        stderr.contains(&first),
        "{case}: no `{first}` in:\n{stderr}"
    );
}

#[test]
fn c2_rundown_release_without_acquire_stops_in_c() {
    assert_rundown_stop("release_without_acquire", 0x1030);
}

#[test]
fn c2_rundown_wait_twice_stops_in_c() {
    assert_rundown_stop("wait_twice", 0x1031);
}

#[test]
fn c2_rundown_completed_before_rundown_stops_in_c() {
    assert_rundown_stop("completed_early", 0x1032);
}

/// `tests/c/spin_lock.c`, built once for the tests that run it.
fn spin_lock_program() -> &'static PathBuf {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| build("cc", "spin_lock.c", &["-std=c99", "-pedantic"]))
}

#[test]
fn a4_spin_lock_program_runs() {
    let output = run(spin_lock_program(), &[]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(String::from_utf8_lossy(&output.stdout), "ok\n");
}

#[cfg(feature = "verifier")]
#[test]
fn v3_push_lock_under_a_spin_lock_stops_in_c_naming_the_spin_lock() {
    let output = run(spin_lock_program(), &["push_lock_under_spin"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.signal(), Some(libc_sigabrt()), "{stderr}");
    assert!(
        stderr.contains("*** STOP: 0x000000C4 (0x0000000000001010,"),
        "{stderr}"
    );
    assert!(
        stderr.contains("spin lock 0x"),
        "names the spin lock: {stderr}"
    );
    assert!(
        stderr.contains("acquired at crates/pushlock-ffi/src/spin_lock.rs"),
        "names the spin lock's acquisition site: {stderr}"
    );
}
