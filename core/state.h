/*
 * Memory of the stateful rule forms (deduplication, threshold, distinct
 * count, sequence) for one worker. Time is the events' own time, never the
 * clock, so replaying old logs gives the same alerts as live ones.
 *
 * Entries are keyed by (rule signature, key text). The signature changes
 * when a rule's definition changes, so a reload keeps the memory of rules
 * that did not change and simply stops finding that of rules that did
 * (those entries age out or are evicted).
 *
 * The store is bounded in bytes: when an insert would exceed the budget,
 * the least recently used entries are evicted and each eviction bumps the
 * counter the evicted entry was created with. Not thread-safe: one store
 * per worker, used only by that worker.
 */
#ifndef VIGIL_STATE_H
#define VIGIL_STATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct vigil_state_s vigil_state_t;

typedef struct vigil_state_key_s {
  uint64_t rule;     /* the rule's state signature */
  const char *key;   /* the rule's key for this event; any bytes */
  size_t len;
  uint64_t *evicted; /* bumped when this entry is evicted for room; may be NULL */
} vigil_state_key_t;

/* Upper bounds the rule loader enforces, so one entry stays small. */
#define VIGIL_STATE_MAX_COUNT 10000u
#define VIGIL_STATE_MAX_STEPS 32u

/* max_bytes: budget for entries, keys and their data (0 = 16 MiB). */
vigil_state_t *vigil_state_new(size_t max_bytes);
void vigil_state_free(vigil_state_t *st);

/*
 * Deduplication. Returns 1 when this matching event raises an alert, 0
 * when it is folded into an earlier one. The first event of a key opens a
 * window of window_ms; events inside it are folded (counted). The first
 * event after the window raises an alert whose *count is 1 plus the number
 * folded in the previous window, and opens a new window. The alert of a
 * key's very first event has *count 1.
 */
int vigil_state_dedup(vigil_state_t *st, const vigil_state_key_t *k, int64_t t_ms,
                      int64_t window_ms, uint64_t *count);

/*
 * Threshold. Records one matching event at t_ms and returns 1 when `count`
 * events of the key fall within (newest - window_ms, newest], where newest
 * is the latest event time seen for the key; the key then starts afresh.
 * *seen is the number of events in the window after this one (count when
 * it fired). Events older than the window are counted as seen but ignored.
 */
int vigil_state_threshold(vigil_state_t *st, const vigil_state_key_t *k, int64_t t_ms,
                          int64_t window_ms, uint32_t count, uint32_t *seen);

/*
 * Distinct count. Records that the key touched the value whose hash is
 * value_hash at t_ms; returns 1 when the key has touched `count` distinct
 * values within the window (relative to the newest time seen for the
 * key), then starts afresh. *ndistinct is the distinct values in the
 * window after this event.
 */
int vigil_state_distinct(vigil_state_t *st, const vigil_state_key_t *k, int64_t t_ms,
                         int64_t window_ms, uint32_t count, uint64_t value_hash,
                         uint32_t *ndistinct);

/*
 * Sequence of nsteps ordered steps (2..VIGIL_STATE_MAX_STEPS) that must
 * all happen within window_ms of the first. `steps` has bit i set when
 * this event satisfies step i. With p steps done: if bit p is set, the
 * sequence advances; otherwise, if bit 0 is set and the window since the
 * first step has passed (or p is 0), it starts again at this event; else
 * nothing changes. Returns 1 when the last step completes, with
 * *started_ms the time of the first step; the key then starts afresh.
 * *progress is the number of steps done after this event.
 */
int vigil_state_sequence(vigil_state_t *st, const vigil_state_key_t *k, int64_t t_ms,
                         int64_t window_ms, uint32_t nsteps, uint32_t steps, uint32_t *progress,
                         int64_t *started_ms);

/* Drops entries whose window ended before now_ms (event time), i.e. that
 * can no longer change any outcome. Cheap enough to call once per batch
 * of events (amortised O(1) per entry dropped). */
void vigil_state_expire(vigil_state_t *st, int64_t now_ms);

size_t vigil_state_entries(const vigil_state_t *st);
size_t vigil_state_bytes(const vigil_state_t *st);
uint64_t vigil_state_evictions(const vigil_state_t *st);

#endif
