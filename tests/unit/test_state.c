/*
 * The stateful rule memory (state.c): each form's documented behaviour at
 * its edges (window boundaries, out-of-order times, starting afresh), keys
 * of different rules kept apart, eviction under a small budget, expiry of
 * finished entries only, and a long random run checked against a plain
 * reference model of the contract in state.h.
 *
 * Times are event times in ms; nothing here reads a clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "state.h"

#define BIG_BUDGET ((size_t)1 << 20)

static vigil_state_key_t key_of(uint64_t rule, const char *text, uint64_t *evicted) {
  vigil_state_key_t k = {rule, text, strlen(text), evicted};

  return k;
}

static int dedup(vigil_state_t *st, const char *text, int64_t t, int64_t w, uint64_t *count) {
  vigil_state_key_t k = key_of(1, text, NULL);

  return vigil_state_dedup(st, &k, t, w, count);
}

static int thr(vigil_state_t *st, const char *text, int64_t t, int64_t w, uint32_t n,
               uint32_t *seen) {
  vigil_state_key_t k = key_of(2, text, NULL);

  return vigil_state_threshold(st, &k, t, w, n, seen);
}

static int dist(vigil_state_t *st, const char *text, int64_t t, int64_t w, uint32_t n,
                uint64_t value, uint32_t *nd) {
  vigil_state_key_t k = key_of(3, text, NULL);

  return vigil_state_distinct(st, &k, t, w, n, value, nd);
}

static int seq(vigil_state_t *st, const char *text, int64_t t, int64_t w, uint32_t n,
               uint32_t steps, uint32_t *progress, int64_t *started) {
  vigil_state_key_t k = key_of(4, text, NULL);

  return vigil_state_sequence(st, &k, t, w, n, steps, progress, started);
}

/* Asserts one dedup call's outcome and count. */
static void expect_dedup(vigil_state_t *st, const char *text, int64_t t, int64_t w, int fires,
                         uint64_t count) {
  uint64_t c = 0;

  assert_int_equal(dedup(st, text, t, w, &c), fires);
  assert_int_equal(c, count);
}

static void expect_thr(vigil_state_t *st, const char *text, int64_t t, int64_t w, uint32_t n,
                       int fires, uint32_t seen) {
  uint32_t s = 99;

  assert_int_equal(thr(st, text, t, w, n, &s), fires);
  assert_int_equal(s, seen);
}

static void expect_dist(vigil_state_t *st, int64_t t, int64_t w, uint32_t n, uint64_t value,
                        int fires, uint32_t nd) {
  uint32_t got = 99;

  assert_int_equal(dist(st, "alice", t, w, n, value, &got), fires);
  assert_int_equal(got, nd);
}

static void expect_seq(vigil_state_t *st, int64_t t, int64_t w, uint32_t n, uint32_t steps,
                       uint32_t progress) {
  uint32_t p = 99;
  int64_t started = -1;

  assert_int_equal(seq(st, "role/x", t, w, n, steps, &p, &started), 0);
  assert_int_equal(p, progress);
}

static void expect_seq_fires(vigil_state_t *st, int64_t t, int64_t w, uint32_t n, uint32_t steps,
                             int64_t started_ms) {
  uint32_t p = 99;
  int64_t started = -1;

  assert_int_equal(seq(st, "role/x", t, w, n, steps, &p, &started), 1);
  assert_int_equal(p, n);
  assert_int_equal(started, started_ms);
}

/* ---- deduplication ------------------------------------------------------- */

static void dedup_windows_and_counts(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);

  expect_dedup(st, "alice", 1000, 100, 1, 1); /* first event: alert, count 1 */
  expect_dedup(st, "alice", 1099, 100, 0, 2); /* last ms of the window folds */
  expect_dedup(st, "alice", 1050, 100, 0, 3);
  expect_dedup(st, "alice", 1100, 100, 1, 3); /* window over: carries 2 folded */
  expect_dedup(st, "alice", 1150, 100, 0, 2);
  expect_dedup(st, "alice", 1200, 100, 1, 2);
  expect_dedup(st, "alice", 5000, 100, 1, 1); /* a window with nothing folded */
  expect_dedup(st, "alice", 4000, 100, 0, 2); /* late event: folded, not alerted */
  expect_dedup(st, "alice", 5100, 100, 1, 2);
  expect_dedup(st, "bob", 1000, 100, 1, 1); /* other keys are their own */
  assert_int_equal(vigil_state_entries(st), 2);
  vigil_state_free(st);
}

/* ---- threshold ----------------------------------------------------------- */

static void threshold_exact_count(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);

  expect_thr(st, "alice", 0, 100, 3, 0, 1);
  expect_thr(st, "alice", 50, 100, 3, 0, 2);
  expect_thr(st, "alice", 99, 100, 3, 1, 3);    /* 0, 50, 99 within (-1, 99] */
  assert_int_equal(vigil_state_entries(st), 0); /* fired: the key starts afresh */
  expect_thr(st, "alice", 100, 100, 3, 0, 1);
  expect_thr(st, "alice", 101, 100, 3, 0, 2); /* N-1 events: nothing */
  vigil_state_free(st);
}

static void threshold_window_edges(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);

  /* Gaps of exactly one window: each event is alone in (t - 100, t]. */
  expect_thr(st, "a", 0, 100, 3, 0, 1);
  expect_thr(st, "a", 100, 100, 3, 0, 1);
  expect_thr(st, "a", 200, 100, 3, 0, 1);
  /* One ms inside: two at a time, never three. */
  expect_thr(st, "b", 0, 100, 3, 0, 1);
  expect_thr(st, "b", 99, 100, 3, 0, 2);
  expect_thr(st, "b", 198, 100, 3, 0, 2);
  expect_thr(st, "b", 198, 100, 3, 1, 3); /* same ms counts twice */
  vigil_state_free(st);
}

static void threshold_out_of_order(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);

  expect_thr(st, "a", 100, 100, 4, 0, 1);
  expect_thr(st, "a", 50, 100, 4, 0, 2); /* older but inside (0, 100] */
  expect_thr(st, "a", 0, 100, 4, 0, 2);  /* older than the window: ignored */
  expect_thr(st, "a", 80, 100, 4, 0, 3);
  expect_thr(st, "a", 160, 100, 4, 0, 3); /* (60, 160]: 50 falls out */
  expect_thr(st, "a", 65, 100, 4, 1, 4);  /* 65, 80, 100, 160 */
  vigil_state_free(st);
}

/* A steady stream wraps the ring many times while it grows, then a burst
 * at one time fills it. */
static void threshold_ring_wraps_and_grows(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);
  uint32_t seen;
  int64_t t;
  int i;

  for (t = 0; t < 1000; t++) {
    assert_int_equal(thr(st, "a", t, 10, 50, &seen), 0);
    assert_int_equal(seen, t < 10 ? t + 1 : 10);
  }
  for (i = 1; i < 40; i++) {
    assert_int_equal(thr(st, "a", 999, 10, 50, &seen), 0);
    assert_int_equal(seen, 10 + i);
  }
  assert_int_equal(thr(st, "a", 999, 10, 50, &seen), 1);
  assert_int_equal(seen, 50);
  vigil_state_free(st);
}

/* ---- distinct count ------------------------------------------------------ */

static void distinct_repeats_and_reset(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);

  expect_dist(st, 0, 100, 3, 0xA, 0, 1);
  expect_dist(st, 1, 100, 3, 0xA, 0, 1); /* same value: still one */
  expect_dist(st, 2, 100, 3, 0xB, 0, 2);
  expect_dist(st, 3, 100, 3, 0xA, 0, 2);
  expect_dist(st, 4, 100, 3, 0xC, 1, 3);
  assert_int_equal(vigil_state_entries(st), 0);
  expect_dist(st, 5, 100, 3, 0xA, 0, 1); /* afresh after firing */
  expect_dist(st, 6, 100, 3, 0xB, 0, 2);
  vigil_state_free(st);
}

static void distinct_values_age_out(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);

  expect_dist(st, 0, 100, 3, 0xA, 0, 1);
  expect_dist(st, 50, 100, 3, 0xB, 0, 2);
  expect_dist(st, 120, 100, 3, 0xC, 0, 2); /* (20, 120]: A aged out */
  expect_dist(st, 10, 100, 3, 0xD, 0, 2);  /* older than the window: ignored */
  expect_dist(st, 130, 100, 3, 0xD, 1, 3); /* B, C, D */

  /* Touching a value again keeps it in the window. */
  expect_dist(st, 1000, 100, 3, 0xA, 0, 1);
  expect_dist(st, 1050, 100, 3, 0xB, 0, 2);
  expect_dist(st, 1090, 100, 3, 0xA, 0, 2);
  expect_dist(st, 1120, 100, 3, 0xC, 1, 3); /* A (1090), B (1050), C */
  vigil_state_free(st);
}

/* ---- sequence ------------------------------------------------------------ */

static void sequence_in_order(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);

  expect_seq(st, 1000, 100, 3, 1u << 0, 1);
  expect_seq(st, 1010, 100, 3, 1u << 2, 1); /* step 3 before step 2: nothing */
  expect_seq(st, 1020, 100, 3, 1u << 1, 2);
  expect_seq_fires(st, 1030, 100, 3, 1u << 2, 1000);
  assert_int_equal(vigil_state_entries(st), 0);
  expect_seq(st, 1040, 100, 3, 1u << 1, 0); /* afresh: step 2 alone is nothing */
  assert_int_equal(vigil_state_entries(st), 0);
  vigil_state_free(st);
}

static void sequence_out_of_order(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);

  expect_seq(st, 0, 100, 2, 1u << 1, 0); /* step 2 first: no entry at all */
  assert_int_equal(vigil_state_entries(st), 0);
  expect_seq(st, 10, 100, 2, 1u << 0, 1);
  expect_seq(st, 5, 100, 2, 1u << 1, 1);         /* delivered late, happened before */
  expect_seq_fires(st, 10, 100, 2, 1u << 1, 10); /* the same ms is in order */
  vigil_state_free(st);
}

static void sequence_window(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);

  expect_seq(st, 0, 100, 2, 1u << 0, 1);
  expect_seq(st, 100, 100, 2, 1u << 1, 0); /* window passed: progress lost */
  assert_int_equal(vigil_state_entries(st), 0);
  expect_seq(st, 200, 100, 2, 1u << 0, 1);
  expect_seq_fires(st, 299, 100, 2, 1u << 1, 200);
  vigil_state_free(st);
}

static void sequence_restarts(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);

  /* With one step done, a later step 0 moves the start (a later deadline). */
  expect_seq(st, 0, 100, 2, 1u << 0, 1);
  expect_seq(st, 60, 100, 2, 1u << 0, 1);
  expect_seq_fires(st, 150, 100, 2, 1u << 1, 60);

  /* Further on, step 0 within the window changes nothing... */
  expect_seq(st, 1000, 100, 3, 1u << 0, 1);
  expect_seq(st, 1010, 100, 3, 1u << 1, 2);
  expect_seq(st, 1020, 100, 3, 1u << 0, 2);
  /* ...and after it, starts again at this event. */
  expect_seq(st, 1100, 100, 3, 1u << 0, 1);
  expect_seq(st, 1110, 100, 3, 1u << 1, 2);
  expect_seq_fires(st, 1120, 100, 3, 1u << 2, 1100);

  /* An event fitting both the next step and step 0 advances. */
  expect_seq(st, 2000, 100, 2, 3u, 1);
  expect_seq_fires(st, 2001, 100, 2, 3u, 2000);
  vigil_state_free(st);
}

static void sequence_32_steps(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);
  uint32_t i;

  for (i = 0; i + 1 < VIGIL_STATE_MAX_STEPS; i++)
    expect_seq(st, 500 + i, 1000, 32, 1u << i, i + 1);
  expect_seq(st, 540, 1000, 32, 1u << 30, 31); /* a repeat of step 31: no move */
  expect_seq_fires(st, 541, 1000, 32, 1u << 31, 500);

  /* Events that fit every step advance one step each. */
  for (i = 0; i + 1 < VIGIL_STATE_MAX_STEPS; i++)
    expect_seq(st, 600, 1000, 32, 0xffffffffu, i + 1);
  expect_seq_fires(st, 600, 1000, 32, 0xffffffffu, 600);
  vigil_state_free(st);
}

/* ---- keys, kinds, budget ------------------------------------------------- */

static void rules_keep_keys_apart(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);
  vigil_state_key_t a = key_of(10, "alice", NULL), b = key_of(11, "alice", NULL);
  vigil_state_key_t nul1 = {10, "al\0ce", 5, NULL}, nul2 = {10, "al\0cf", 5, NULL};
  vigil_state_key_t prefix = {10, "alice", 3, NULL};
  uint64_t c;

  assert_int_equal(vigil_state_dedup(st, &a, 0, 100, &c), 1);
  assert_int_equal(vigil_state_dedup(st, &b, 0, 100, &c), 1);
  assert_int_equal(vigil_state_dedup(st, &nul1, 0, 100, &c), 1);
  assert_int_equal(vigil_state_dedup(st, &nul2, 0, 100, &c), 1);
  assert_int_equal(vigil_state_dedup(st, &prefix, 0, 100, &c), 1);
  assert_int_equal(vigil_state_entries(st), 5);
  assert_int_equal(vigil_state_dedup(st, &a, 1, 100, &c), 0);
  assert_int_equal(c, 2);
  assert_int_equal(vigil_state_dedup(st, &b, 1, 100, &c), 0);
  assert_int_equal(c, 2);
  vigil_state_free(st);
}

/* A key used as one kind and then another (a caller's bug) is reset. */
static void other_kind_resets(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);
  vigil_state_key_t k = key_of(7, "alice", NULL);
  uint64_t c;
  uint32_t n, p;
  int64_t started;

  assert_int_equal(vigil_state_dedup(st, &k, 0, 100, &c), 1);
  assert_int_equal(vigil_state_threshold(st, &k, 1, 100, 2, &n), 0);
  assert_int_equal(n, 1);
  assert_int_equal(vigil_state_dedup(st, &k, 2, 100, &c), 1);
  assert_int_equal(c, 1);
  assert_int_equal(vigil_state_distinct(st, &k, 3, 100, 2, 0xA, &n), 0);
  assert_int_equal(n, 1);
  assert_int_equal(vigil_state_threshold(st, &k, 4, 100, 3, &n), 0);
  assert_int_equal(vigil_state_threshold(st, &k, 5, 100, 4, &n), 0); /* another count */
  assert_int_equal(n, 1);
  assert_int_equal(vigil_state_sequence(st, &k, 6, 100, 2, 2u, &p, &started), 0);
  assert_int_equal(p, 0);
  assert_int_equal(vigil_state_entries(st), 0);
  assert_int_equal(vigil_state_evictions(st), 0);
  vigil_state_free(st);
}

/* Bytes one dedup entry with a key of klen bytes costs, measured. */
static size_t dedup_entry_bytes(size_t *empty) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);
  uint64_t c;
  size_t cost;

  *empty = vigil_state_bytes(st);
  dedup(st, "k1", 0, 1000, &c);
  cost = vigil_state_bytes(st) - *empty;
  vigil_state_free(st);
  return cost;
}

static void eviction_keeps_recent(void **state) {
  size_t empty, per = dedup_entry_bytes(&empty);
  size_t budget = empty + 3 * per + per / 2;
  vigil_state_t *st = vigil_state_new(budget);
  uint64_t ev[5] = {0}, c;
  vigil_state_key_t k[5];
  char names[5][3];
  int i;

  assert_true(per > 2);
  for (i = 1; i <= 4; i++) {
    snprintf(names[i], sizeof(names[i]), "k%d", i);
    k[i] = key_of(1, names[i], &ev[i]);
  }
  for (i = 1; i <= 3; i++)
    assert_int_equal(vigil_state_dedup(st, &k[i], 0, 1000, &c), 1);
  assert_int_equal(vigil_state_dedup(st, &k[1], 1, 1000, &c), 0); /* k1 used again */
  assert_int_equal(vigil_state_dedup(st, &k[4], 2, 1000, &c), 1); /* evicts k2 */
  assert_int_equal(ev[1] + ev[3] + ev[4], 0);
  assert_int_equal(ev[2], 1);
  assert_int_equal(vigil_state_evictions(st), 1);
  assert_int_equal(vigil_state_entries(st), 3);
  assert_true(vigil_state_bytes(st) <= budget);

  /* k1, k3, k4 remember their windows; k2 starts over and evicts k1. */
  assert_int_equal(vigil_state_dedup(st, &k[1], 3, 1000, &c), 0);
  assert_int_equal(c, 3);
  assert_int_equal(vigil_state_dedup(st, &k[3], 3, 1000, &c), 0);
  assert_int_equal(vigil_state_dedup(st, &k[4], 3, 1000, &c), 0);
  assert_int_equal(vigil_state_dedup(st, &k[2], 3, 1000, &c), 1);
  assert_int_equal(c, 1);
  assert_int_equal(ev[1], 1);
  assert_int_equal(vigil_state_evictions(st), 2);
  vigil_state_free(st);
}

static void oversized_entry_refused(void **state) {
  vigil_state_t *st = vigil_state_new(2048);
  char big[3000];
  uint64_t ev_small = 0, ev_big = 0, c;
  vigil_state_key_t small = key_of(1, "small", &ev_small), k;
  uint32_t n;
  int64_t started;
  size_t bytes;

  memset(big, 'x', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  k = key_of(1, big, &ev_big);
  assert_int_equal(vigil_state_dedup(st, &small, 0, 100, &c), 1);
  bytes = vigil_state_bytes(st);

  /* dedup cannot remember it, so it alerts rather than drop the event */
  assert_int_equal(vigil_state_dedup(st, &k, 0, 100, &c), 1);
  assert_int_equal(c, 1);
  assert_int_equal(vigil_state_dedup(st, &k, 1, 100, &c), 1);
  assert_int_equal(vigil_state_threshold(st, &k, 2, 100, 1, &n), 0);
  assert_int_equal(vigil_state_distinct(st, &k, 3, 100, 1, 5, &n), 0);
  assert_int_equal(vigil_state_sequence(st, &k, 4, 100, 2, 1u, &n, &started), 0);
  assert_int_equal(n, 0);
  assert_int_equal(ev_big, 5);
  assert_int_equal(ev_small, 0);
  assert_int_equal(vigil_state_evictions(st), 5);
  assert_int_equal(vigil_state_entries(st), 1);
  assert_int_equal(vigil_state_bytes(st), bytes);
  assert_int_equal(vigil_state_dedup(st, &small, 1, 100, &c), 0); /* still there */
  vigil_state_free(st);
}

/* A threshold entry whose times outgrow the budget first evicts the others,
 * then is dropped itself, and the key starts over. */
static void entry_outgrowing_budget(void **state) {
  vigil_state_t *st = vigil_state_new(2048);
  uint64_t ev_other = 0, ev_self = 0, c;
  vigil_state_key_t other = key_of(1, "other", &ev_other), self = key_of(2, "self", &ev_self);
  uint32_t seen = 0, last_seen = 0;
  int64_t t;

  assert_int_equal(vigil_state_dedup(st, &other, 0, 100, &c), 1);
  for (t = 0; t < 1000 && ev_self == 0; t++) {
    last_seen = seen;
    assert_int_equal(vigil_state_threshold(st, &self, t, 100000, 5000, &seen), 0);
    assert_true(vigil_state_bytes(st) <= 2048);
    if (ev_self == 0)
      assert_int_equal(seen, t + 1);
  }
  assert_int_equal(ev_self, 1);
  assert_int_equal(ev_other, 1);
  assert_true(last_seen >= 64); /* it held a good many before giving up */
  assert_int_equal(seen, 0);
  assert_int_equal(vigil_state_entries(st), 0);
  assert_int_equal(vigil_state_evictions(st), 2);
  assert_int_equal(vigil_state_threshold(st, &self, t, 100000, 5000, &seen), 0);
  assert_int_equal(seen, 1);
  vigil_state_free(st);
}

/* Thousands of keys: the table and the heap grow, the bytes come back. */
static void many_keys(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET * 4);
  char name[16];
  size_t full = 0;
  uint32_t seen;
  int i, round;

  for (round = 0; round < 2; round++) {
    for (i = 0; i < 5000; i++) {
      snprintf(name, sizeof(name), "user%d", i);
      assert_int_equal(thr(st, name, 1000 * round, 10, 2, &seen), 0);
      assert_int_equal(seen, 1);
    }
    assert_int_equal(vigil_state_entries(st), 5000);
    if (round == 0)
      full = vigil_state_bytes(st);
    assert_int_equal(vigil_state_bytes(st), full);
    vigil_state_expire(st, 1000 * round + 9);
    assert_int_equal(vigil_state_entries(st), 5000);
    vigil_state_expire(st, 1000 * round + 10);
    assert_int_equal(vigil_state_entries(st), 0);
    assert_true(vigil_state_bytes(st) < full / 4); /* what is left is the index */
  }
  assert_int_equal(vigil_state_evictions(st), 0);
  vigil_state_free(st);
}

/* ---- expiry -------------------------------------------------------------- */

static void expire_drops_finished_only(void **state) {
  vigil_state_t *st = vigil_state_new(BIG_BUDGET);
  size_t empty = vigil_state_bytes(st);
  uint64_t c;
  uint32_t n;

  expect_dedup(st, "a", 0, 100, 1, 1);   /* ends at 100 */
  expect_thr(st, "b", 50, 100, 5, 0, 1); /* ends at 150 */
  expect_dedup(st, "c", 0, 100, 1, 1);
  expect_dedup(st, "c", 10, 100, 0, 2); /* a folded count waits */
  expect_seq(st, 0, 1000, 3, 1u, 1);    /* ends at 1000 */

  vigil_state_expire(st, 99);
  assert_int_equal(vigil_state_entries(st), 4);
  vigil_state_expire(st, 100);
  assert_int_equal(vigil_state_entries(st), 3);
  expect_thr(st, "b", 140, 100, 5, 0, 2); /* now ends at 240 */
  vigil_state_expire(st, 150);
  assert_int_equal(vigil_state_entries(st), 3);
  vigil_state_expire(st, 239);
  assert_int_equal(vigil_state_entries(st), 3);
  assert_int_equal(thr(st, "b", 239, 100, 5, &n), 0);
  assert_int_equal(n, 2); /* (139, 239]: 140 and 239 */
  vigil_state_expire(st, 339);
  assert_int_equal(vigil_state_entries(st), 2);
  vigil_state_expire(st, 999);
  assert_int_equal(vigil_state_entries(st), 2);
  vigil_state_expire(st, 1000);
  assert_int_equal(vigil_state_entries(st), 1);
  expect_seq(st, 1001, 1000, 3, 2u, 0); /* the sequence was forgotten */

  vigil_state_expire(st, INT64_MAX);
  assert_int_equal(vigil_state_entries(st), 1); /* c still owes its count */
  assert_int_equal(dedup(st, "c", 1000000, 100, &c), 1);
  assert_int_equal(c, 2);
  vigil_state_expire(st, 1000099);
  assert_int_equal(vigil_state_entries(st), 1);
  vigil_state_expire(st, 1000100);
  assert_int_equal(vigil_state_entries(st), 0);
  assert_int_equal(vigil_state_bytes(st), empty);
  assert_int_equal(vigil_state_evictions(st), 0);
  vigil_state_free(st);
}

static void default_budget(void **state) {
  vigil_state_t *st = vigil_state_new(0);
  uint32_t seen;
  char name[16];
  int i;

  /* 16 MiB holds far more than 20000 small entries: nothing evicted. */
  for (i = 0; i < 20000; i++) {
    snprintf(name, sizeof(name), "u%d", i);
    assert_int_equal(thr(st, name, i, 1000000, 3, &seen), 0);
  }
  assert_int_equal(vigil_state_evictions(st), 0);
  assert_int_equal(vigil_state_entries(st), 20000);
  assert_true(vigil_state_bytes(st) <= (size_t)16 << 20);
  vigil_state_free(st);
  vigil_state_free(NULL);
}

/* ---- random operations against a reference model ------------------------- */

/*
 * The model follows state.h's text with plain data: all times kept, counts
 * by brute force. The store's evictions are observed through per-key
 * counters; the model checks each evicted key was the least recently used
 * one present and forgets it, so every later outcome can be predicted.
 */
#define FZ_RULES 4
#define FZ_TEXTS 48
#define FZ_KEYS (FZ_RULES * FZ_TEXTS)
#define FZ_MAXT 64

enum { FZ_DEDUP, FZ_THR, FZ_DIST, FZ_SEQ };

static const int64_t fz_window[FZ_RULES] = {50, 200, 150, 120};
static const uint32_t fz_count[FZ_RULES] = {0, 8, 5, 3}; /* nsteps for FZ_SEQ */

typedef struct mkey_s {
  char text[8];
  uint64_t evicted; /* the store's counter */
  uint64_t counted; /* evictions the model has seen */
  int present;
  uint64_t stamp; /* model clock at last use */
  int64_t start, newest, started, last;
  uint64_t folded;
  uint32_t done;
  int n;
  int64_t times[FZ_MAXT];   /* threshold times, or distinct values' last use */
  uint64_t values[FZ_MAXT]; /* distinct values */
} mkey_t;

typedef struct model_s {
  mkey_t keys[FZ_KEYS];
  uint64_t clock;
  uint64_t rng;
} model_t;

static uint64_t fz_rand(model_t *m) {
  m->rng ^= m->rng << 13;
  m->rng ^= m->rng >> 7;
  m->rng ^= m->rng << 17;
  return m->rng;
}

/* Drops times (and values) last used at or before lo. */
static void fz_prune(mkey_t *mk, int64_t lo) {
  int i, j = 0;

  for (i = 0; i < mk->n; i++) {
    if (mk->times[i] <= lo)
      continue;
    mk->times[j] = mk->times[i];
    mk->values[j++] = mk->values[i];
  }
  mk->n = j;
}

static int64_t fz_dead_at(int rule, const mkey_t *mk) {
  int64_t w = fz_window[rule];

  switch (rule) {
  case FZ_DEDUP:
    return mk->folded ? INT64_MAX : mk->start + w;
  case FZ_THR:
  case FZ_DIST:
    return mk->newest + w;
  default:
    return mk->started + w;
  }
}

/* What the contract says the call returns, updating the model. out is the
 * count, seen, ndistinct or progress; started the sequence's start. */
static int fz_expect(model_t *m, int rule, mkey_t *mk, int64_t t, uint64_t arg, uint64_t *out,
                     int64_t *started) {
  int64_t w = fz_window[rule];
  uint32_t n = fz_count[rule];
  int i, p;

  if (mk->present && rule != FZ_SEQ)
    mk->stamp = ++m->clock;
  switch (rule) {
  case FZ_DEDUP:
    if (!mk->present || t >= mk->start + w) {
      *out = mk->present ? 1 + mk->folded : 1;
      mk->present = 1;
      mk->stamp = ++m->clock;
      mk->start = t;
      mk->folded = 0;
      return 1;
    }
    *out = 1 + ++mk->folded;
    return 0;
  case FZ_THR:
  case FZ_DIST:
    if (!mk->present) {
      mk->present = 1;
      mk->stamp = ++m->clock;
      mk->n = 0;
      mk->newest = t;
    }
    if (t > mk->newest)
      mk->newest = t;
    fz_prune(mk, mk->newest - w);
    if (t <= mk->newest - w) {
      *out = (uint64_t)mk->n;
      return 0;
    }
    for (i = 0; rule == FZ_DIST && i < mk->n && mk->values[i] != arg; i++)
      ;
    if (rule == FZ_THR || i == mk->n) {
      mk->values[mk->n] = arg;
      mk->times[mk->n++] = t;
    } else if (t > mk->times[i]) {
      mk->times[i] = t;
    }
    if ((uint32_t)mk->n >= n) {
      mk->present = 0;
      *out = n;
      return 1;
    }
    *out = (uint64_t)mk->n;
    return 0;
  default:
    if (mk->present && t >= mk->started + w)
      mk->present = 0;
    if (mk->present)
      mk->stamp = ++m->clock;
    p = mk->present ? (int)mk->done : 0;
    if (((arg >> p) & 1) && (p == 0 || t >= mk->last)) {
      if ((uint32_t)p + 1 == n) {
        *started = p == 0 ? t : mk->started;
        mk->present = 0;
        *out = n;
        return 1;
      }
      if (p == 0) {
        mk->present = 1;
        mk->stamp = ++m->clock;
        mk->started = t;
      }
      mk->last = t;
      mk->done = (uint32_t)p + 1;
    } else if (p == 1 && (arg & 1) && t >= mk->started) {
      mk->started = mk->last = t;
    }
    *out = mk->present ? mk->done : 0;
    return 0;
  }
}

static int fz_call(vigil_state_t *st, int rule, mkey_t *mk, int64_t t, uint64_t arg, uint64_t *out,
                   int64_t *started) {
  vigil_state_key_t k = key_of(0x5eed0000u + (uint64_t)rule, mk->text, &mk->evicted);
  uint32_t v = 0;
  int rc;

  switch (rule) {
  case FZ_DEDUP:
    return vigil_state_dedup(st, &k, t, fz_window[rule], out);
  case FZ_THR:
    rc = vigil_state_threshold(st, &k, t, fz_window[rule], fz_count[rule], &v);
    break;
  case FZ_DIST:
    rc = vigil_state_distinct(st, &k, t, fz_window[rule], fz_count[rule], arg, &v);
    break;
  default:
    rc = vigil_state_sequence(st, &k, t, fz_window[rule], fz_count[rule], (uint32_t)arg, &v,
                              started);
  }
  *out = v;
  return rc;
}

/* Checks that the keys the store evicted during the last call were the
 * least recently used ones present (self excluded), and forgets them. */
static void fz_check_evictions(model_t *m, const mkey_t *self) {
  uint64_t newest_victim = 0, oldest_kept = UINT64_MAX;
  mkey_t *mk;
  int i;

  for (i = 0; i < FZ_KEYS; i++) {
    mk = &m->keys[i];
    if (mk->evicted == mk->counted) {
      if (mk->present && mk != self && mk->stamp < oldest_kept)
        oldest_kept = mk->stamp;
      continue;
    }
    assert_true(mk != self);
    assert_int_equal(mk->evicted, mk->counted + 1);
    assert_true(mk->present);
    if (mk->stamp > newest_victim)
      newest_victim = mk->stamp;
    mk->counted = mk->evicted;
    mk->present = 0;
  }
  assert_true(newest_victim < oldest_kept);
}

static void fz_check_totals(const model_t *m, const vigil_state_t *st, size_t budget) {
  uint64_t evictions = 0;
  size_t present = 0;
  int i;

  for (i = 0; i < FZ_KEYS; i++) {
    evictions += m->keys[i].evicted;
    present += (size_t)m->keys[i].present;
  }
  assert_int_equal(vigil_state_entries(st), present);
  assert_int_equal(vigil_state_evictions(st), evictions);
  assert_true(vigil_state_bytes(st) <= budget);
}

static void fz_expire(model_t *m, vigil_state_t *st, int64_t now) {
  mkey_t *mk;
  int i;

  vigil_state_expire(st, now);
  for (i = 0; i < FZ_KEYS; i++) {
    mk = &m->keys[i];
    if (mk->present && fz_dead_at(i % FZ_RULES, mk) <= now)
      mk->present = 0;
  }
}

/* One random call: hot keys more often, times mostly forward, some late. */
static void fz_step(model_t *m, vigil_state_t *st, int64_t *now) {
  int text = (int)(fz_rand(m) % (fz_rand(m) % FZ_TEXTS + 1));
  int rule = (int)(fz_rand(m) % FZ_RULES);
  mkey_t *mk = &m->keys[text * FZ_RULES + rule];
  int64_t t = *now, want_started = -1, got_started = -1;
  uint64_t arg = fz_rand(m), want, got = 0;
  int want_rc, got_rc;

  *now += (int64_t)(fz_rand(m) % 4);
  if (fz_rand(m) % 10 == 0)
    t -= (int64_t)(fz_rand(m) % 300); /* a late event */
  arg = rule == FZ_DIST ? arg % 7 : arg % 8;
  got_rc = fz_call(st, rule, mk, t, arg, &got, &got_started);
  fz_check_evictions(m, mk);
  want_rc = fz_expect(m, rule, mk, t, arg, &want, &want_started);
  assert_int_equal(got_rc, want_rc);
  assert_int_equal(got, want);
  if (rule == FZ_SEQ && want_rc)
    assert_int_equal(got_started, want_started);
}

/* Runs 100000 random calls; returns the most entries held at once. */
static size_t fuzz_run(size_t budget, uint64_t seed, uint64_t *evictions) {
  static model_t m;
  vigil_state_t *st = vigil_state_new(budget);
  int64_t now = 1700000000000;
  size_t most = 0;
  long i;

  memset(&m, 0, sizeof(m));
  m.rng = seed;
  for (i = 0; i < FZ_KEYS; i++)
    snprintf(m.keys[i].text, sizeof(m.keys[i].text), "u%ld", i / FZ_RULES);
  for (i = 0; i < 100000; i++) {
    fz_step(&m, st, &now);
    if (fz_rand(&m) % 64 == 0)
      fz_expire(&m, st, now - (int64_t)(fz_rand(&m) % 200));
    fz_check_totals(&m, st, budget);
    if (vigil_state_entries(st) > most)
      most = vigil_state_entries(st);
  }
  *evictions = vigil_state_evictions(st);
  vigil_state_free(st);
  return most;
}

static void random_ops_tiny_budget(void **state) {
  uint64_t evictions;
  size_t most = fuzz_run(2500, 0x9d2c5680u, &evictions);

  assert_true(evictions > 1000); /* the budget really was the limit */
  assert_true(most >= 5);
}

static void random_ops_middle_budget(void **state) {
  uint64_t evictions;
  size_t most = fuzz_run(12000, 0x85ebca6bu, &evictions);

  assert_true(evictions > 1000); /* both evictions and expiry at work */
  assert_true(most >= 40);
}

static void random_ops_roomy_budget(void **state) {
  uint64_t evictions;
  size_t most = fuzz_run(80000, 0x1b873593u, &evictions);

  assert_true(most > 64); /* the index grew several times */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(dedup_windows_and_counts),
      cmocka_unit_test(threshold_exact_count),
      cmocka_unit_test(threshold_window_edges),
      cmocka_unit_test(threshold_out_of_order),
      cmocka_unit_test(threshold_ring_wraps_and_grows),
      cmocka_unit_test(distinct_repeats_and_reset),
      cmocka_unit_test(distinct_values_age_out),
      cmocka_unit_test(sequence_in_order),
      cmocka_unit_test(sequence_out_of_order),
      cmocka_unit_test(sequence_window),
      cmocka_unit_test(sequence_restarts),
      cmocka_unit_test(sequence_32_steps),
      cmocka_unit_test(rules_keep_keys_apart),
      cmocka_unit_test(other_kind_resets),
      cmocka_unit_test(eviction_keeps_recent),
      cmocka_unit_test(oversized_entry_refused),
      cmocka_unit_test(entry_outgrowing_budget),
      cmocka_unit_test(many_keys),
      cmocka_unit_test(expire_drops_finished_only),
      cmocka_unit_test(default_budget),
      cmocka_unit_test(random_ops_tiny_budget),
      cmocka_unit_test(random_ops_middle_budget),
      cmocka_unit_test(random_ops_roomy_budget),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
