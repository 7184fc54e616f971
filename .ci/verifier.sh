#!/usr/bin/env bash
# The whole suite again with the lock verifier compiled in (SPEC V1-V3).
set -euo pipefail
cargo test --workspace --locked --features pushlock/verifier
