#!/usr/bin/env bash
# Zero cost of the verifier when off (SPEC V1-V3): counts the instructions of one
# uncontended RawPushLock acquire_exclusive + release pair under callgrind, in a
# release build with and without `--features verifier`.
#
# The example runs N and 2N pairs; (Ir(2N) - Ir(N)) / N is the cost of one pair, with
# start-up and exit cancelled out.
#
# Usage: scripts/callgrind-verifier.sh [N]   (default 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
command -v valgrind >/dev/null || { echo "valgrind not installed" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

instructions() { # binary count -> total Ir
    valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "$1" "$2" >/dev/null 2>"$out/log"
    grep -E '^(summary|totals):' "$out/cg.out" | head -1 | awk '{print $2}'
}

for features in "" "verifier"; do
    target="target/callgrind${features:+-$features}"
    CARGO_TARGET_DIR="$target" cargo build --quiet --release -p pushlock \
        --example uncontended_pair ${features:+--features "$features"}
    bin="$target/release/examples/uncontended_pair"
    one=$(instructions "$bin" "$n")
    two=$(instructions "$bin" $((2 * n)))
    per_pair=$(awk -v a="$one" -v b="$two" -v n="$n" 'BEGIN { printf "%.2f", (b - a) / n }')
    echo "features=[${features:-none}] Ir(N=$n)=$one Ir(2N)=$two per pair: $per_pair instructions"
    eval "per_pair_${features:-off}=$per_pair"
done
awk -v off="$per_pair_off" -v on="$per_pair_verifier" \
    'BEGIN { printf "verifier on - off: %.2f instructions per pair\n", on - off }'
