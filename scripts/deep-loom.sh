#!/usr/bin/env bash
# The loom models of the timed unlink, the downgrade and the hand-offs at
# LOOM_MAX_PREEMPTIONS=3 (one more than .ci/loom.sh), each run on its own and timed.
# Not in .ci/run: the state space grows steeply with the preemption bound.
#
# Usage: scripts/deep-loom.sh [MODEL_TIMEOUT_SECONDS]   (default 1800 per model)
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTFLAGS="--cfg pushlock_loom"
export LOOM_MAX_PREEMPTIONS="${LOOM_MAX_PREEMPTIONS:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target/loom}"
limit="${1:-1800}"
models=(
    "loom_push_lock timed_exclusive_gives_up_while_queued"
    "loom_push_lock timed_exclusive_gives_up_behind_reader_then_writer_gets_in"
    "loom_push_lock timed_shared_gives_up_while_writer_holds"
    "loom_push_lock timed_and_blocking_writers_queue_behind_writer"
    "loom_push_lock timed_tail_hands_share_count_on"
    "loom_push_lock timed_woken_writer_then_new_reader"
    "loom_push_lock downgrade_keeps_writers_out"
    "loom_push_lock downgrade_lets_queued_reader_in"
    "loom_push_lock p3_woken_writer_then_new_reader"
    "loom_resource r7_loom_exclusive_mutual_exclusion_and_hand_off"
    "loom_resource r8_loom_convert_grants_shared_waiter"
    "loom_resource r10_loom_transferred_release_from_other_thread_hands_off"
)
nice cargo test -p pushlock --release --locked --test loom_push_lock --test loom_resource --no-run
echo "| model | LOOM_MAX_PREEMPTIONS | result | seconds |"
echo "|---|---|---|---|"
failed=0
for entry in "${models[@]}"; do
    read -r binary model <<<"$entry"
    start=$(date +%s.%N)
    if timeout "$limit" nice cargo test -q -p pushlock --release --locked --test "$binary" \
        -- --exact "$model" >"target/deep-loom-$model.log" 2>&1; then
        # A renamed model would match nothing and "pass".
        if grep -q "test result: ok. 1 passed" "target/deep-loom-$model.log"; then
            result=passed
        else
            result="not found"; failed=1
        fi
    else
        rc=$?
        if [ "$rc" = 124 ]; then result="timed out (${limit} s)"; else result=FAILED; failed=1; fi
    fi
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    printf '| %s::%s | %s | %s | %.1f |\n' "$binary" "$model" "$LOOM_MAX_PREEMPTIONS" "$result" "$secs"
done
exit "$failed"
