#!/usr/bin/env bash
# The push lock, resource and cache-aware stress tests in --release, 16 threads each,
# PUSHLOCK_STRESS_OPS operations per thread (default 1,000,000: 16 million per test).
# The push lock's mix includes timed acquires with timeouts of 0-49 us (the waiter
# that times out unlinks itself) and downgrades; the resource's includes conversions
# to shared and transfers. Each test checks its invariants as it goes and runs under
# the tests' watchdog, which prints locks() and every thread's backtrace (gdb) before
# failing on a hang.
set -euo pipefail
cd "$(dirname "$0")/.."
export PUSHLOCK_STRESS_OPS="${PUSHLOCK_STRESS_OPS:-1000000}"
echo "release-stress: $PUSHLOCK_STRESS_OPS operations per thread, 16 threads"
# One test at a time: each already runs 16 threads on the machine's cores.
nice cargo test --release -p pushlock --locked \
    --test push_lock_stress --test resource_stress --test cache_aware_p11 \
    -- stress --test-threads 1
