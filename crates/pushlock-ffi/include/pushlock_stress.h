/*
 * pushlock_stress.h: stress mode (SPEC S1) for C programs linked with a pushlock
 * library built with the verifier (cargo build -p pushlock-ffi --features verifier).
 *
 * At every lock call (acquire, release, critical-region leave, wait) each thread
 * takes a seeded decision: go on, yield, or sleep a short random time, with
 * PCT-style priorities, so that races between lock calls show up in tests.
 *
 * Without any call: set PUSHLOCK_STRESS=<seed> (or =random) in the environment; the
 * library reads it at the first lock call and prints one line naming the seed on
 * standard error. To run many seeds, loop in a script:
 *
 *     for seed in $(seq 0 99); do PUSHLOCK_STRESS=$seed ./my_test || echo "seed $seed"; done
 *
 * or in the program, with the calls below (run each seed's threads to the end before
 * the next PushLockStressEnable).
 */

#ifndef PUSHLOCK_STRESS_H
#define PUSHLOCK_STRESS_H

#include "pushlock.h"

#ifdef __cplusplus
extern "C" {
#endif

// Stress mode on with `Seed` for every thread, from the next lock call on. Each
// thread starts a fresh stream of decisions. Prints nothing.
void PushLockStressEnable(uint64_t Seed);

// Stress mode off (also when PUSHLOCK_STRESS turned it on).
void PushLockStressDisable(void);

// TRUE with the seed in *Seed while stress mode is on, FALSE when it is off. `Seed`
// may be NULL.
BOOLEAN PushLockStressSeed(uint64_t *Seed);

#ifdef __cplusplus
}
#endif

#endif /* PUSHLOCK_STRESS_H */
