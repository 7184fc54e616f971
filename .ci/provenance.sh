#!/usr/bin/env bash
# Strict pointer provenance for the push lock (issue 13, defect 4): the lock word is an
# AtomicPtr whose wait-list head keeps the blocks' provenance (map_addr), so no
# integer-to-pointer cast may appear in crates/pushlock/src/push_lock/.
#  1. nightly's `fuzzy_provenance_casts` / `lossy_provenance_casts` lints over the
#     pushlock crate (lib and tests); a hit in push_lock/ fails the step (hits in other
#     modules are listed, not failed: they are not the push lock's).
#  2. where Miri is installed: the push lock's lib tests (word transitions, faults while
#     queued: real queueing, waking and unlinking through the word's pointer) under
#     -Zmiri-strict-provenance.
# Skips cleanly (exit 0) without a nightly toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! rustup toolchain list 2>/dev/null | grep -q nightly; then
    echo "provenance: no nightly toolchain here; skipped"
    exit 0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
RUSTFLAGS="-Zcrate-attr=feature(strict_provenance_lints) -Wfuzzy_provenance_casts -Wlossy_provenance_casts" \
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}/provenance" \
    cargo +nightly check -p pushlock --lib --tests --locked --quiet 2>"$log" || { cat "$log"; exit 1; }
hits=$(grep -E '^ *--> crates/pushlock/src/' "$log" | sed 's/^ *--> //' | sort -u || true)
others=$(grep -v '/push_lock/' <<<"$hits" || true)
ours=$(grep '/push_lock/' <<<"$hits" || true)
if [ -n "$others" ]; then
    echo "provenance: integer/pointer casts outside the push lock (not checked here):"
    sed 's/^/  /' <<<"$others"
fi
if [ -n "$ours" ]; then
    echo "provenance: integer/pointer casts in the push lock:"
    sed 's/^/  /' <<<"$ours"
    grep -B5 -A10 '/push_lock/' "$log" || true
    exit 1
fi
echo "provenance: push_lock/ clean under fuzzy_provenance_casts and lossy_provenance_casts"
if cargo +nightly miri --version >/dev/null 2>&1; then
    MIRIFLAGS="-Zmiri-strict-provenance" \
        cargo +nightly miri test -p pushlock --lib -- push_lock::
    echo "provenance: push lock lib tests clean under Miri -Zmiri-strict-provenance"
else
    echo "provenance: Miri not installed for nightly; the Miri run is skipped"
fi
