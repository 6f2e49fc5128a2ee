/*
 * A generation of the rule set: what the workers evaluate with, swapped as
 * a whole on reload. Each worker has its own Lua state in it; the index is
 * shared and read-only. Records carry the generation that chose them, so a
 * record scanned before a reload is evaluated by the same rules that
 * picked it: no event is lost or seen twice across a swap.
 *
 * Per-rule counters live in a registry keyed by rule id, outside any
 * generation, so figures add up across reloads.
 */
#ifndef VIGIL_ENGINE_H
#define VIGIL_ENGINE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "rule_index.h"
#include "rules.h"

/* One worker's counters for one rule: written by that worker only. */
typedef struct vigil_rstat_s {
  atomic_ullong evals;   /* events the rule was run on */
  atomic_ullong matches; /* its condition held */
  atomic_ullong alerts;  /* alerts it raised (after exceptions, dedup, ...) */
  atomic_ullong errors;
  atomic_ullong ns;      /* time spent in it */
  /* Stateful entries evicted for room, bumped by the worker's own store
   * (state.h takes a plain counter); a reader during the run may see a
   * slightly stale figure. */
  uint64_t evicted;
  char pad[16];          /* one cache line per worker */
} vigil_rstat_t;

/* Single writer per slot: a relaxed load and store, no locked add. */
#define VIGIL_STAT_ADD(field, n)                                                                   \
  atomic_store_explicit(&(field), atomic_load_explicit(&(field), memory_order_relaxed) + (n),     \
                        memory_order_relaxed)

typedef struct vigil_rule_stats_s {
  struct vigil_rule_stats_s *next;
  char *id;
  int nworkers;
  vigil_rstat_t *w; /* [nworkers] */
} vigil_rule_stats_t;

typedef struct vigil_gen_s {
  atomic_int refs;
  unsigned id;
  int nworkers;
  vigil_ruleset_t **rs;        /* [nworkers] */
  vigil_rule_index_t *index;
  vigil_ix_scratch_t **scratch; /* [nworkers]: each worker's room for on.unless */
  vigil_rule_stats_t **stats;  /* [nrules], bound by vigil_gen_bind */
} vigil_gen_t;

/* Loads nworkers copies of the rule set and its index (any thread). */
vigil_gen_t *vigil_gen_load(const char *const *paths, int npaths, const char *const *libs,
                            int nlib, int nworkers, char *err, size_t errlen);
/* Points each rule at its counters in *registry, adding missing ids. Must
 * not run concurrently with itself or with vigil_stats_* readers. */
int vigil_gen_bind(vigil_gen_t *g, vigil_rule_stats_t **registry);
void vigil_gen_ref(vigil_gen_t *g);
/* Frees the generation when the last reference goes (any thread). */
void vigil_gen_release(vigil_gen_t *g);

void vigil_stats_free(vigil_rule_stats_t *registry);

/* Sum over workers of one rule's counters. */
typedef struct vigil_rule_totals_s {
  uint64_t evals, matches, alerts, errors, evicted, ns;
} vigil_rule_totals_t;
void vigil_stats_sum(const vigil_rule_stats_t *s, vigil_rule_totals_t *t);

#endif
