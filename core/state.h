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
 * entry's counter (the `evicted` of the latest call for its key) and the
 * store's total. A key whose entry cannot be held at all (larger than the
 * budget, or out of memory) counts as an eviction of itself. Not
 * thread-safe: one store per worker, used only by that worker.
 *
 * Windows are half-open: two events exactly window_ms apart are never in
 * the same window. window_ms below 1 is taken as 1, above ~100 years as
 * ~100 years; count is taken within 1..VIGIL_STATE_MAX_COUNT and nsteps
 * within 1..VIGIL_STATE_MAX_STEPS.
 *
 * A key's kind (and its count or nsteps) is fixed by the call that made its
 * entry. A call of another kind or count for the same (rule, key) is a
 * caller's bug; the entry is then reset to what the call asks for.
 */
#ifndef VIGIL_STATE_H
#define VIGIL_STATE_H

#include <stddef.h>
#include <stdint.h>

typedef struct vigil_state_s vigil_state_t;

typedef struct vigil_state_key_s {
  uint64_t rule;   /* the rule's state signature */
  const char *key; /* the rule's key for this event; any bytes */
  size_t len;
  /* Bumped when this key's entry is evicted; may be NULL. The store keeps
   * the pointer of the latest call for the key, so it must stay valid while
   * the entry may live: until vigil_state_free, or until a later call for
   * the key passes another. Keep counters somewhere that outlives a rule
   * reload (entries of unchanged rules survive it). */
  uint64_t *evicted;
} vigil_state_key_t;

/* Upper bounds the rule loader enforces, so one entry stays small. */
#define VIGIL_STATE_MAX_COUNT 10000u
#define VIGIL_STATE_MAX_STEPS 32u

/* max_bytes: budget for everything the store allocates: itself, its index,
 * entries, keys and their data (0 = 16 MiB). NULL when out of memory. */
vigil_state_t *vigil_state_new(size_t max_bytes);
void vigil_state_free(vigil_state_t *st);

/*
 * Deduplication. Returns 1 when this matching event raises an alert, 0
 * when it is folded into an earlier one. The first event of a key opens a
 * window of window_ms; events inside it are folded (counted). The first
 * event after the window raises an alert whose *count is 1 plus the number
 * folded in the previous window, and opens a new window. The alert of a
 * key's very first event has *count 1. Late events (older than the open
 * window's start) fold too. When folded, *count is the events the window
 * stands for so far. A key whose entry cannot be held alerts (returns 1,
 * *count 1): without memory, every event raises rather than none.
 */
int vigil_state_dedup(vigil_state_t *st, const vigil_state_key_t *k, int64_t t_ms,
                      int64_t window_ms, uint64_t *count);

/*
 * Threshold. Records one matching event at t_ms and returns 1 when `count`
 * events of the key fall within (newest - window_ms, newest], where newest
 * is the latest event time seen for the key; the key then starts afresh.
 * *seen is the number of events in the window after this one (count when
 * it fired). An event at or before newest - window_ms is ignored: it
 * changes nothing and *seen counts the others. Returns 0 with *seen 0 when
 * the key's entry cannot be held.
 */
int vigil_state_threshold(vigil_state_t *st, const vigil_state_key_t *k, int64_t t_ms,
                          int64_t window_ms, uint32_t count, uint32_t *seen);

/*
 * Distinct count. Records that the key touched the value whose hash is
 * value_hash at t_ms; returns 1 when the key has touched `count` distinct
 * values within the window (relative to the newest time seen for the
 * key), then starts afresh. A value stays in the window from the latest
 * event that touched it. *ndistinct is the distinct values in the window
 * after this event. Events older than the window are ignored as in the
 * threshold form. Returns 0 with *ndistinct 0 when the entry cannot be
 * held.
 *
 * Cost: O(count) per event (a scan of the key's values); fine for the
 * tens that rules use.
 */
int vigil_state_distinct(vigil_state_t *st, const vigil_state_key_t *k, int64_t t_ms,
                         int64_t window_ms, uint32_t count, uint64_t value_hash,
                         uint32_t *ndistinct);

/*
 * Sequence of nsteps ordered steps (2..VIGIL_STATE_MAX_STEPS) that must
 * all happen within window_ms of the first. `steps` has bit i set when
 * this event satisfies step i. First, progress whose window has passed
 * (t_ms >= first step + window_ms) is forgotten. Then, with p steps done:
 * if bit p is set and the event is not older than step p - 1's, the
 * sequence advances; otherwise, if bit 0 is set and p is 1, the first step
 * moves to this event when it is not older (a later start is never worse);
 * else nothing changes. Returns 1 when the last step completes, with
 * *started_ms the time of the first step and *progress nsteps; the key
 * then starts afresh. Otherwise *progress is the steps done after this
 * event. A key with no step done holds no entry.
 *
 * Known limit: one partial match per key. With two or more steps done, a
 * new step 0 inside the window is not tracked, so a sequence that only
 * completes from that later start is missed. Keeping a few partial matches
 * per key (a small NFA) would fix it at a bounded cost.
 */
int vigil_state_sequence(vigil_state_t *st, const vigil_state_key_t *k, int64_t t_ms,
                         int64_t window_ms, uint32_t nsteps, uint32_t steps, uint32_t *progress,
                         int64_t *started_ms);

/*
 * Drops entries whose window ended at or before now_ms (event time), i.e.
 * that no event at or after now_ms can use: dedup once its window is over
 * with nothing folded, threshold and distinct at newest + window_ms,
 * sequence at first step + window_ms. A dedup entry holding a folded count
 * is kept for the key's next alert (only eviction removes it). Events
 * older than now_ms that arrive later find their key forgotten, so pass
 * the newest event time minus the lateness to tolerate.
 *
 * Cost: O(log n) per entry dropped, and per live entry whose recorded end
 * has passed but which later calls moved on (it is re-filed once); calls
 * themselves never pay for expiry. Fine to call once per batch of events.
 */
void vigil_state_expire(vigil_state_t *st, int64_t now_ms);

size_t vigil_state_entries(const vigil_state_t *st);
size_t vigil_state_bytes(const vigil_state_t *st);
uint64_t vigil_state_evictions(const vigil_state_t *st);

#endif
