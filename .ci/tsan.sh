#!/usr/bin/env bash
# ThreadSanitizer over crates/pushlock's stress, spec and cache-aware tests
# (tests/*_stress.rs, *_spec.rs, cache_aware_*.rs), built with nightly's
# -Zsanitizer=thread. Zero reports: halt_on_error=1 makes the first one fail the step.
# std is linked precompiled (no -Zbuild-std here), hence -Cunsafe-allow-abi-mismatch
# and .ci/tsan.supp, which names std-internal frames only; a canary
# (tests/tsan_canary.rs, a deliberate race) checks that the suppressions still let a
# race on an ordinary test thread through.
# Skips cleanly (exit 0) without a nightly toolchain or without its TSan runtime.
set -euo pipefail
cd "$(dirname "$0")/.."
host=x86_64-unknown-linux-gnu
if [ "$(uname -sm)" != "Linux x86_64" ]; then
    echo "tsan: this step runs on x86_64 Linux only; skipped"
    exit 0
fi
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "tsan: no nightly toolchain here; skipped"
    exit 0
fi
runtime="$(rustc +nightly --print sysroot)/lib/rustlib/$host/lib/librustc-nightly_rt.tsan.a"
if [ ! -f "$runtime" ]; then
    echo "tsan: nightly has no ThreadSanitizer runtime ($runtime); skipped"
    exit 0
fi
export RUSTFLAGS="-Zsanitizer=thread -Cunsafe-allow-abi-mismatch=sanitizer"
export RUSTDOCFLAGS="$RUSTFLAGS"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/tsan"
supp="$PWD/.ci/tsan.supp"
tests=$(cd crates/pushlock/tests && ls ./*_stress.rs ./*_spec.rs ./cache_aware_*.rs | sed 's|^\./||; s/\.rs$//')
args=()
for t in $tests; do args+=(--test "$t"); done
echo "tsan: $(echo $tests | tr ' ' ',')"
# --test-threads 1: a test binary's tests run one after another (each still runs its
# own threads), so the std Mutexes around the crate's globals (the resource registry,
# the thread-name table) are contended only inside a test. A contended std Mutex is
# acquired in the uninstrumented std, and its data would be reported as raced.
TSAN_OPTIONS="suppressions=$supp halt_on_error=1" \
    nice cargo +nightly test -p pushlock --locked --target "$host" "${args[@]}" \
    -- --test-threads 1
# The canary: a deliberate race on two test threads must be reported.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if PUSHLOCK_TSAN_CANARY=1 TSAN_OPTIONS="suppressions=$supp halt_on_error=1" \
    nice cargo +nightly test -p pushlock --locked --target "$host" --test tsan_canary \
    -- --ignored >"$log" 2>&1; then
    cat "$log"
    echo "tsan: the canary's deliberate race was not reported (a suppression too broad?)" >&2
    exit 1
fi
if ! grep -q "WARNING: ThreadSanitizer: data race" "$log" ||
    ! grep -q "tsan_canary_unsynchronized_writes_are_reported" "$log"; then
    cat "$log"
    echo "tsan: the canary failed without a ThreadSanitizer report" >&2
    exit 1
fi
echo "tsan: zero reports over $(echo $tests | wc -w) test binaries; the canary's race was reported"
