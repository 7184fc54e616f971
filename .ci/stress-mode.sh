#!/usr/bin/env bash
# Stress mode (SPEC S1) over the lock stress tests: the push lock, resource and
# cache-aware 16-thread stress tests, built with the verifier, run with
# PUSHLOCK_STRESS set, so every lock call may yield or sleep at a seeded point while
# the tests' invariant checks and watchdogs run. A fixed seed by default (CI is
# reproducible); PUSHLOCK_STRESS=random (or any seed) overrides it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PUSHLOCK_STRESS="${PUSHLOCK_STRESS:-20261204}"
echo "stress mode seed: $PUSHLOCK_STRESS"
cargo test -p pushlock --locked --features verifier \
    --test push_lock_stress --test resource_stress --test cache_aware_p11
