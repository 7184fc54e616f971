#!/usr/bin/env bash
# Instructions per uncontended acquire+release pair under callgrind, for RawPushLock,
# parking_lot and std (and Resource and parking_lot's ReentrantMutex), exclusive and shared: runs N and 2N pairs and divides the
# difference by N, so process start-up and the harness cancel out.
# Usage: scripts/callgrind-pairs.sh [N]   (default 100000)
set -euo pipefail
n=${1:-100000}
cd "$(dirname "$0")/.."
cargo build --release -q -p pushlock --example callgrind_pairs
bin=target/release/examples/callgrind_pairs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() { # lock mode pairs -> total instructions
  valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bin" "$1" "$2" "$3" 2>"$tmp/log" >/dev/null
  grep -E '^(summary|totals):' "$tmp/out" | head -1 | awk '{print $2}'
}
printf '%-12s %-10s %s\n' lock mode instr/pair
for mode in exclusive shared; do
  for lock in push parking_lot std resource reentrant; do
    a=$(count "$lock" "$mode" "$n")
    b=$(count "$lock" "$mode" $((2 * n)))
    printf '%-12s %-10s %s\n' "$lock" "$mode" "$(awk -v a="$a" -v b="$b" -v n="$n" 'BEGIN{printf "%.2f", (b-a)/n}')"
  done
done
