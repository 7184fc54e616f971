#!/usr/bin/env bash
# The README's test command: every unit, integration, stress, proptest and doc test.
set -euo pipefail
cargo test --workspace --locked
