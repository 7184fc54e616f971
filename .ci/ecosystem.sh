#!/usr/bin/env bash
# The lock_api 0.4 ecosystem (feature `lock_api_04`): clippy with the feature on, then
# tracing-mutex 0.3 and parking_lot 0.12 against RawPushLock, and the doc tests.
set -euo pipefail
cargo clippy -p pushlock --all-targets --locked --features lock_api_04 -- -D warnings
cargo test -p pushlock --locked --features lock_api_04 --test lock_api_04
cargo test -p pushlock --locked --features lock_api_04 --doc
