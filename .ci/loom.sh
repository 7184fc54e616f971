#!/usr/bin/env bash
# Loom model tests: every interleaving up to LOOM_MAX_PREEMPTIONS preemptions.
set -euo pipefail
export RUSTFLAGS="--cfg pushlock_loom"
export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-2}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/loom}"
tests=$(cd crates/pushlock/tests && ls loom_*.rs 2>/dev/null | sed 's/\.rs$//' || true)
if [ -z "$tests" ]; then echo "no loom tests yet"; exit 0; fi
args=()
for t in $tests; do args+=(--test "$t"); done
cargo test -p pushlock --release --locked "${args[@]}"
