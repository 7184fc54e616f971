#!/usr/bin/env bash
# Instructions per uncontended acquire+release pair, per lock and mode, under callgrind:
# runs examples/lock_pairs.rs for N and 2N pairs and divides the difference by N, so
# start-up and teardown cancel out.
# Usage: scripts/callgrind-pairs.sh [N]   (default 100000)
set -euo pipefail
n="${1:-100000}"
cargo build --release -p pushlock --example lock_pairs --quiet
bin="${CARGO_TARGET_DIR:-target}/release/examples/lock_pairs"
count() {
    local out
    out=$(mktemp)
    valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$1" "$2" "$3" >/dev/null 2>&1
    # The "summary:" line holds the total instruction count (Ir).
    grep '^summary:' "$out" | awk '{print $2}'
    rm -f "$out"
}
printf '%-12s %-10s %s\n' lock mode instructions/pair
for mode in exclusive shared; do
    for lock in push push_lock_api parking_lot std resource reentrant; do
        one=$(count "$lock" "$mode" "$n")
        two=$(count "$lock" "$mode" $((2 * n)))
        awk -v a="$one" -v b="$two" -v n="$n" -v l="$lock" -v m="$mode" \
            'BEGIN { printf "%-12s %-10s %.2f\n", l, m, (b - a) / n }'
    done
done
