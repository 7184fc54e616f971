#!/usr/bin/env bash
# The stress-mode table of docs/thread-flt-verifier.md: for each racy program (Rust
# and C), the share of seeds whose run exposed the race with stress mode on against
# the same number of runs without it, and the slowest stressed run.
#
# Usage: scripts/stress-seeds.sh [SEEDS]   (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
export PUSHLOCK_STRESS_SEEDS="${1:-100}"
cargo test -q -p pushlock --locked --features verifier --test stress_races \
    s1_race_table -- --nocapture 2>&1 | grep '^|'
cargo test -q -p pushlock-ffi --locked --features verifier --test c_stress \
    s1_c_race_table -- --nocapture 2>&1 | grep '^|'
