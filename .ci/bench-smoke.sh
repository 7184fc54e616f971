#!/usr/bin/env bash
# The benchmarks compile and run once with tiny arguments.
set -euo pipefail
cargo bench -p pushlock --locked -- --test
