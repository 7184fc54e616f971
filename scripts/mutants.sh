#!/usr/bin/env bash
# Mutation testing of the lock state machines with cargo-mutants (crates.io; install
# with `cargo install --locked cargo-mutants`). Each mutant of the chosen files is
# built and tested with that lock's unit, spec, model and stress tests; a mutant
# that every test survives is a test gap (or an equivalent mutant, to be said why in
# docs/testing.md). Not in .ci/run: every mutant is a rebuild.
#
# Usage: scripts/mutants.sh SET [cargo-mutants options...]
#   SET: raw (push_lock/raw.rs), queue (push_lock/queue.rs), resource (resource/*.rs),
#        cache-aware (cache_aware.rs), or all
#   e.g. scripts/mutants.sh queue --list      (the mutants, without running them)
# Results: target/mutants/SET/mutants.out/{caught,missed,timeout,unviable}.txt
#
# The loom models are not in the test command (they need --cfg pushlock_loom, a
# separate build); .ci/loom.sh runs them.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo-mutants >/dev/null; then
    echo "mutants: cargo-mutants is not installed (cargo install --locked cargo-mutants)" >&2
    exit 1
fi
set_name="${1:-}"
shift || true
src=crates/pushlock/src
push_tests=(--lib --test push_lock_spec --test push_lock_stress --test push_lock_model
            --test push_lock_unwind --test flt_push_lock)
resource_tests=(--lib --test resource_spec --test resource_stress --test resource_unwind
                --test resource_deadlock_report --test locks_report --test flt_resource
                --test ex_calls)
cache_tests=(--lib --test cache_aware_p11 --test cache_aware_model)
case "$set_name" in
    raw) files=(-f "$src/push_lock/raw.rs"); tests=("${push_tests[@]}") ;;
    queue) files=(-f "$src/push_lock/queue.rs"); tests=("${push_tests[@]}") ;;
    resource) files=(-f "$src/resource/*.rs"); tests=("${resource_tests[@]}") ;;
    cache-aware) files=(-f "$src/cache_aware.rs"); tests=("${cache_tests[@]}") ;;
    all)
        files=(-f "$src/push_lock/raw.rs" -f "$src/push_lock/queue.rs"
               -f "$src/resource/*.rs" -f "$src/cache_aware.rs")
        tests=(--lib --tests) ;;
    *) sed -n '2,16p' "$0" >&2; exit 2 ;;
esac
mkdir -p "target/mutants/$set_name"
nice cargo mutants -p pushlock "${files[@]}" --output "target/mutants/$set_name" \
    "$@" -- "${tests[@]}"
