#!/usr/bin/env bash
set -euo pipefail
rustup component add rustfmt >/dev/null 2>&1 || true
cargo fmt --all -- --check
