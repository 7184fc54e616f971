#!/usr/bin/env bash
set -euo pipefail
rustup component add clippy >/dev/null 2>&1 || true
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --workspace --all-targets --locked --features pushlock/verifier -- -D warnings
