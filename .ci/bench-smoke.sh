#!/usr/bin/env bash
# The benchmarks compile and run once with tiny arguments.
set -euo pipefail
cargo bench -p pushlock --locked -- --test
# The main job, lockbench, end to end with tiny arguments (writes target/lockbench/).
cargo run --release -p lockbench --locked -- --quick > target/lockbench-quick.txt
tail -n 5 target/lockbench-quick.txt
test -s target/lockbench/report.json
test -s target/lockbench/report.svg
test -s target/lockbench/report.html
