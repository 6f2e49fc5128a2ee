/*
 * The stateful rule memory (state.h): a hash table keyed by (rule, key
 * bytes), an LRU list for eviction under the byte budget and a heap of the
 * times at which entries stop mattering, for expiry.
 *
 * The table chains through a pointer in each entry. Entries leave all the
 * time (eviction, expiry, a rule firing and starting afresh); with chains a
 * removal is exact, where open addressing would leave tombstones that pile
 * up under this churn and need periodic rebuilds. Intrusive chains also
 * mean creating an entry is one allocation.
 *
 * The expiry heap is lazy: an entry's heap key may be earlier than its real
 * end (dead_at). Most calls push the end later, and re-filing the entry on
 * each call would put O(log n) on the hot path; instead expire() re-files an
 * entry it finds still alive. Besides adding and removing entries, a call
 * touches the heap only when it moves the end earlier (a dedup window
 * rolling over after folds, or a key reset to another kind).
 *
 * Everything the store allocates is charged to the budget: the store, the
 * bucket and heap arrays, each entry with its key, and the per-entry arrays
 * of the threshold and distinct forms (grown by doubling up to the rule's
 * count, so a key that saw two events costs two slots, not `count`).
 * malloc's own headers are not counted.
 */
#include "state.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

enum { K_DEDUP = 1, K_THRESHOLD, K_DISTINCT, K_SEQUENCE };

#define FIRST_BUCKETS 16u
#define FIRST_SLOTS 4u
#define DEFAULT_BUDGET ((size_t)16 << 20)
/* Longest window taken: about 100 years, so time + window never overflows
 * for any real event time. */
#define MAX_WINDOW_MS ((int64_t)100 * 366 * 24 * 3600 * 1000)
#define NEVER INT64_MAX /* dead_at of an entry no time can finish */

typedef struct value_s {
  uint64_t hash;
  int64_t last; /* newest event time that touched the value */
} value_t;

typedef struct entry_s entry_t;

struct entry_s {
  entry_t *chain;         /* next entry in the same bucket */
  entry_t *newer, *older; /* LRU neighbours */
  uint64_t rule;
  uint64_t hash;
  uint64_t *evicted;
  int64_t dead_at;  /* from this event time on, it changes nothing */
  int64_t heap_key; /* <= dead_at */
  size_t heap_at;
  size_t bytes; /* charged to the budget */
  size_t klen;
  void *data;     /* threshold: int64_t times; distinct: value_t */
  uint32_t cap;   /* slots in data */
  uint32_t limit; /* the count or nsteps the entry was made for */
  int kind;
  union {
    struct {
      int64_t start;
      uint64_t folded;
    } dd;
    struct {
      int64_t newest;
      uint32_t head, len; /* ring of times, oldest first */
    } th;
    struct {
      int64_t newest;
      int64_t oldest; /* <= every value's last; may be stale-low */
      uint32_t len;
    } ds;
    struct {
      int64_t started, last;
      uint32_t done;
    } sq;
  } u;
  unsigned char key[];
};

struct vigil_state_s {
  entry_t **buckets;
  size_t nbuckets; /* power of two */
  entry_t **heap;
  size_t heap_cap;
  size_t n; /* entries, also the heap's length */
  entry_t *newest, *oldest;
  size_t bytes;
  size_t max;
  uint64_t evictions;
  uint64_t seed;
};

/* ---- time ---------------------------------------------------------------- */

static int64_t add_sat(int64_t a, int64_t b) {
  if (b > 0 && a > INT64_MAX - b)
    return INT64_MAX;
  if (b < 0 && a < INT64_MIN - b)
    return INT64_MIN;
  return a + b;
}

/* The end of a window: never NEVER, which marks entries that must wait. */
static int64_t end_at(int64_t t, int64_t w) {
  int64_t end = add_sat(t, w);

  return end == NEVER ? NEVER - 1 : end;
}

static int64_t clamp_window(int64_t w) {
  if (w < 1)
    return 1;
  return w > MAX_WINDOW_MS ? MAX_WINDOW_MS : w;
}

/* ---- hashing -------------------------------------------------------------- */

static uint64_t mix(uint64_t x) {
  x ^= x >> 31;
  x *= 0x9e3779b97f4a7c15ull;
  x ^= x >> 29;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 32;
  return x;
}

/* Seeded per store so crafted key texts cannot aim at one bucket without
 * knowing the seed. Not a keyed PRF: if flooding ever shows up in practice,
 * SipHash over the same inputs is the fix. */
static uint64_t hash_key(uint64_t seed, uint64_t rule, const unsigned char *p, size_t n) {
  uint64_t h = mix(seed ^ rule) ^ n;
  uint64_t w;

  for (; n >= 8; p += 8, n -= 8) {
    memcpy(&w, p, 8);
    h = (h ^ mix(w)) * 0xff51afd7ed558ccdull;
    h = (h << 27) | (h >> 37);
  }
  w = 0;
  if (n)
    memcpy(&w, p, n);
  return mix(h ^ mix(w ^ 0xc4ceb9fe1a85ec53ull));
}

/* ---- expiry heap (min-heap on heap_key) ---------------------------------- */

static void heap_set(vigil_state_t *st, size_t i, entry_t *e) {
  st->heap[i] = e;
  e->heap_at = i;
}

static void sift_up(vigil_state_t *st, size_t i) {
  entry_t *e = st->heap[i];
  size_t up;

  while (i > 0) {
    up = (i - 1) / 2;
    if (st->heap[up]->heap_key <= e->heap_key)
      break;
    heap_set(st, i, st->heap[up]);
    i = up;
  }
  heap_set(st, i, e);
}

static void sift_down(vigil_state_t *st, size_t i) {
  entry_t *e = st->heap[i];
  size_t c;

  while ((c = 2 * i + 1) < st->n) {
    if (c + 1 < st->n && st->heap[c + 1]->heap_key < st->heap[c]->heap_key)
      c++;
    if (e->heap_key <= st->heap[c]->heap_key)
      break;
    heap_set(st, i, st->heap[c]);
    i = c;
  }
  heap_set(st, i, e);
}

/* Called with st->n already counting e. */
static void heap_push(vigil_state_t *st, entry_t *e) {
  heap_set(st, st->n - 1, e);
  sift_up(st, st->n - 1);
}

/* Called with st->n already decremented. */
static void heap_remove(vigil_state_t *st, entry_t *e) {
  size_t i = e->heap_at;
  entry_t *last = st->heap[st->n];

  if (last == e)
    return;
  heap_set(st, i, last);
  sift_up(st, i);
  sift_down(st, last->heap_at);
}

static void set_dead(vigil_state_t *st, entry_t *e, int64_t t) {
  e->dead_at = t;
  if (t < e->heap_key) {
    e->heap_key = t;
    sift_up(st, e->heap_at);
  }
}

/* ---- LRU list ------------------------------------------------------------ */

static void lru_unlink(vigil_state_t *st, entry_t *e) {
  if (e->newer)
    e->newer->older = e->older;
  else
    st->newest = e->older;
  if (e->older)
    e->older->newer = e->newer;
  else
    st->oldest = e->newer;
  e->newer = e->older = NULL;
}

static void lru_push(vigil_state_t *st, entry_t *e) {
  e->older = st->newest;
  e->newer = NULL;
  if (st->newest)
    st->newest->newer = e;
  else
    st->oldest = e;
  st->newest = e;
}

static void touch(vigil_state_t *st, entry_t *e) {
  if (st->newest != e) {
    lru_unlink(st, e);
    lru_push(st, e);
  }
}

/* ---- entries ------------------------------------------------------------- */

static size_t slot_size(int kind) {
  if (kind == K_THRESHOLD)
    return sizeof(int64_t);
  return kind == K_DISTINCT ? sizeof(value_t) : 0;
}

static void free_data(vigil_state_t *st, entry_t *e) {
  size_t sz = (size_t)e->cap * slot_size(e->kind);

  free(e->data);
  e->data = NULL;
  e->cap = 0;
  e->bytes -= sz;
  st->bytes -= sz;
}

/* Removes e from every structure and frees it. */
static void drop(vigil_state_t *st, entry_t *e) {
  entry_t **pp = &st->buckets[e->hash & (st->nbuckets - 1)];

  while (*pp != e)
    pp = &(*pp)->chain;
  *pp = e->chain;
  lru_unlink(st, e);
  st->n--;
  heap_remove(st, e);
  free_data(st, e);
  st->bytes -= e->bytes;
  free(e);
}

static void count_eviction(vigil_state_t *st, uint64_t *counter) {
  if (counter)
    (*counter)++;
  st->evictions++;
}

static void evict_oldest(vigil_state_t *st) {
  entry_t *e = st->oldest;

  count_eviction(st, e->evicted);
  drop(st, e);
}

/* A fresh entry of `kind` for `limit`, its data gone. */
static void reset(vigil_state_t *st, entry_t *e, int kind, uint32_t limit) {
  free_data(st, e);
  memset(&e->u, 0, sizeof(e->u));
  e->kind = kind;
  e->limit = limit;
}

static entry_t *lookup(const vigil_state_t *st, const vigil_state_key_t *k, uint64_t h) {
  entry_t *e = st->buckets[h & (st->nbuckets - 1)];

  for (; e; e = e->chain)
    if (e->hash == h && e->rule == k->rule && e->klen == k->len &&
        (k->len == 0 || memcmp(e->key, k->key, k->len) == 0))
      return e;
  return NULL;
}

/* Bytes the index grows by when it must hold one more entry. */
static size_t index_growth(const vigil_state_t *st) {
  size_t add = 0;

  if (st->n + 1 > st->nbuckets)
    add += st->nbuckets * sizeof(entry_t *);
  if (st->n + 1 > st->heap_cap)
    add += st->heap_cap * sizeof(entry_t *);
  return add;
}

/* Doubles the bucket array and the heap as needed for one more entry. The
 * budget was checked by the caller. */
static int grow_index(vigil_state_t *st) {
  entry_t **nb, **heap, *e, *next;
  size_t i, nn;

  if (st->n + 1 > st->heap_cap) {
    heap = realloc(st->heap, 2 * st->heap_cap * sizeof(*heap));
    if (!heap)
      return -1;
    st->bytes += st->heap_cap * sizeof(*heap);
    st->heap = heap;
    st->heap_cap *= 2;
  }
  if (st->n + 1 <= st->nbuckets)
    return 0;
  nn = 2 * st->nbuckets;
  nb = calloc(nn, sizeof(*nb));
  if (!nb)
    return 0; /* longer chains, still correct */
  for (i = 0; i < st->nbuckets; i++) {
    for (e = st->buckets[i]; e; e = next) {
      next = e->chain;
      e->chain = nb[e->hash & (nn - 1)];
      nb[e->hash & (nn - 1)] = e;
    }
  }
  free(st->buckets);
  st->bytes += st->nbuckets * sizeof(*nb);
  st->buckets = nb;
  st->nbuckets = nn;
  return 0;
}

static uint64_t key_hash(const vigil_state_t *st, const vigil_state_key_t *k) {
  return hash_key(st->seed, k->rule, (const unsigned char *)k->key, k->len);
}

/* The store's own bytes: what is left charged with every entry gone (the
 * index never shrinks). */
static size_t base_bytes(const vigil_state_t *st) {
  return sizeof(*st) + (st->nbuckets + st->heap_cap) * sizeof(entry_t *);
}

/* Links a new entry for k, with room already made. */
static entry_t *add(vigil_state_t *st, const vigil_state_key_t *k, uint64_t h, size_t need) {
  entry_t *e;

  if (grow_index(st) != 0 || !(e = malloc(need)))
    return NULL;
  memset(e, 0, sizeof(*e));
  e->rule = k->rule;
  e->hash = h;
  e->evicted = k->evicted;
  e->klen = k->len;
  if (k->len)
    memcpy(e->key, k->key, k->len);
  e->bytes = need;
  e->chain = st->buckets[h & (st->nbuckets - 1)];
  st->buckets[h & (st->nbuckets - 1)] = e;
  lru_push(st, e);
  st->n++;
  e->dead_at = e->heap_key = NEVER;
  heap_push(st, e);
  st->bytes += need;
  return e;
}

/*
 * The entry for k (hash h) as a `kind` entry made for `limit`, marked most
 * recently used. Created if absent (evicting least recently used entries
 * for room), reset if it was made as another kind or for another limit; in
 * both cases *fresh is set. NULL when it cannot be held, being larger than
 * the budget or memory having run out: that counts as an eviction of the
 * key's own entry.
 */
static entry_t *get(vigil_state_t *st, const vigil_state_key_t *k, uint64_t h, int kind,
                    uint32_t limit, int *fresh) {
  entry_t *e = lookup(st, k, h);
  size_t need = sizeof(entry_t) + k->len;

  *fresh = 1;
  if (e) {
    touch(st, e);
    e->evicted = k->evicted; /* the newest owner of the counter wins */
    if (e->kind == kind && e->limit == limit)
      *fresh = 0;
    else
      reset(st, e, kind, limit);
    return e;
  }
  if (k->len > st->max || base_bytes(st) + need > st->max) {
    count_eviction(st, k->evicted);
    return NULL;
  }
  while (st->n > 0 && st->bytes + need + index_growth(st) > st->max)
    evict_oldest(st);
  if (st->bytes + need + index_growth(st) > st->max || !(e = add(st, k, h, need))) {
    count_eviction(st, k->evicted);
    return NULL;
  }
  e->kind = kind;
  e->limit = limit;
  return e;
}

/*
 * Makes room for at least one more slot in e's data, up to e->limit slots,
 * evicting other entries for the bytes. When e alone does not fit, e is
 * dropped (counted as evicted) and -1 returned.
 */
static int grow_data(vigil_state_t *st, entry_t *e) {
  size_t sz = slot_size(e->kind);
  uint32_t cap = e->cap < FIRST_SLOTS ? FIRST_SLOTS : 2 * e->cap;
  size_t add;
  void *data;

  if (cap > e->limit)
    cap = e->limit;
  add = (size_t)(cap - e->cap) * sz;
  while (st->bytes + add > st->max && st->oldest != e)
    evict_oldest(st);
  if (st->bytes + add > st->max || !(data = realloc(e->data, (size_t)cap * sz))) {
    count_eviction(st, e->evicted);
    drop(st, e);
    return -1;
  }
  if (e->kind == K_THRESHOLD && e->u.th.head + e->u.th.len > e->cap) {
    /* The ring wrapped: its older part moves to the end of the new room. */
    size_t tail = e->cap - e->u.th.head;
    int64_t *t = data;

    memmove(t + cap - tail, t + e->u.th.head, tail * sz);
    e->u.th.head = (uint32_t)(cap - tail);
  }
  e->data = data;
  e->cap = cap;
  e->bytes += add;
  st->bytes += add;
  return 0;
}

/* ---- store --------------------------------------------------------------- */

vigil_state_t *vigil_state_new(size_t max_bytes) {
  vigil_state_t *st = calloc(1, sizeof(*st));

  if (!st)
    return NULL;
  st->buckets = calloc(FIRST_BUCKETS, sizeof(entry_t *));
  st->heap = malloc(FIRST_BUCKETS * sizeof(entry_t *));
  if (!st->buckets || !st->heap) {
    vigil_state_free(st);
    return NULL;
  }
  st->nbuckets = st->heap_cap = FIRST_BUCKETS;
  st->max = max_bytes ? max_bytes : DEFAULT_BUDGET;
  st->bytes = base_bytes(st);
  if (getrandom(&st->seed, sizeof(st->seed), GRND_NONBLOCK) != sizeof(st->seed))
    st->seed = mix((uint64_t)(uintptr_t)st); /* easier to guess, still correct */
  return st;
}

void vigil_state_free(vigil_state_t *st) {
  entry_t *e, *next;

  if (!st)
    return;
  for (e = st->newest; e; e = next) {
    next = e->older;
    free(e->data);
    free(e);
  }
  free(st->buckets);
  free(st->heap);
  free(st);
}

size_t vigil_state_entries(const vigil_state_t *st) {
  return st->n;
}

size_t vigil_state_bytes(const vigil_state_t *st) {
  return st->bytes;
}

uint64_t vigil_state_evictions(const vigil_state_t *st) {
  return st->evictions;
}

void vigil_state_expire(vigil_state_t *st, int64_t now_ms) {
  entry_t *e;

  if (now_ms == NEVER)
    now_ms = NEVER - 1; /* entries waiting for a next event never finish */
  while (st->n > 0 && st->heap[0]->heap_key <= now_ms) {
    e = st->heap[0];
    if (e->dead_at <= now_ms) {
      drop(st, e);
    } else {
      e->heap_key = e->dead_at; /* still alive: file it where it belongs */
      sift_down(st, 0);
    }
  }
}

/* ---- deduplication ------------------------------------------------------- */

int vigil_state_dedup(vigil_state_t *st, const vigil_state_key_t *k, int64_t t_ms,
                      int64_t window_ms, uint64_t *count) {
  int64_t w = clamp_window(window_ms);
  int fresh;
  entry_t *e = get(st, k, key_hash(st, k), K_DEDUP, 0, &fresh);

  *count = 1;
  if (!e)
    return 1; /* cannot remember the key: alert rather than lose the event */
  if (!fresh && t_ms < add_sat(e->u.dd.start, w)) {
    /* Late events (older than the window's start) fold too. */
    e->u.dd.folded++;
    *count = 1 + e->u.dd.folded;
    set_dead(st, e, NEVER); /* the count waits for the key's next alert */
    return 0;
  }
  if (!fresh)
    *count = 1 + e->u.dd.folded;
  e->u.dd.start = t_ms;
  e->u.dd.folded = 0;
  set_dead(st, e, end_at(t_ms, w));
  return 1;
}

/* ---- threshold ----------------------------------------------------------- */

static uint32_t clamp_count(uint32_t count) {
  if (count < 1)
    return 1;
  return count > VIGIL_STATE_MAX_COUNT ? VIGIL_STATE_MAX_COUNT : count;
}

static int64_t *ring_at(entry_t *e, uint32_t i) {
  uint32_t j = e->u.th.head + i;

  if (j >= e->cap)
    j -= e->cap;
  return (int64_t *)e->data + j;
}

/* Inserts t keeping the ring in time order; usually t is the newest. */
static void ring_insert(entry_t *e, int64_t t) {
  uint32_t i = e->u.th.len;

  for (; i > 0 && *ring_at(e, i - 1) > t; i--)
    *ring_at(e, i) = *ring_at(e, i - 1);
  *ring_at(e, i) = t;
  e->u.th.len++;
}

int vigil_state_threshold(vigil_state_t *st, const vigil_state_key_t *k, int64_t t_ms,
                          int64_t window_ms, uint32_t count, uint32_t *seen) {
  int64_t w = clamp_window(window_ms), lo;
  uint32_t n = clamp_count(count);
  int fresh;
  entry_t *e = get(st, k, key_hash(st, k), K_THRESHOLD, n, &fresh);

  *seen = 0;
  if (!e)
    return 0;
  if (fresh || t_ms > e->u.th.newest)
    e->u.th.newest = t_ms;
  lo = add_sat(e->u.th.newest, -w); /* times <= lo are out of the window */
  while (e->u.th.len > 0 && *ring_at(e, 0) <= lo) {
    e->u.th.head = e->u.th.head + 1 == e->cap ? 0 : e->u.th.head + 1;
    e->u.th.len--;
  }
  if (t_ms <= lo) {
    *seen = e->u.th.len;
    return 0;
  }
  /* len < n here (it fired on reaching n), so the ring may still grow */
  if (e->u.th.len == e->cap && grow_data(st, e) != 0)
    return 0;
  ring_insert(e, t_ms);
  if (e->u.th.len >= n) {
    *seen = n;
    drop(st, e);
    return 1;
  }
  *seen = e->u.th.len;
  set_dead(st, e, end_at(e->u.th.newest, w));
  return 0;
}

/* ---- distinct count ------------------------------------------------------ */

/* Forgets the values last touched at or before lo. */
static void prune_values(entry_t *e, int64_t lo) {
  value_t *v = e->data;
  uint32_t i, j = 0;
  int64_t oldest = NEVER;

  for (i = 0; i < e->u.ds.len; i++) {
    if (v[i].last <= lo)
      continue;
    if (v[i].last < oldest)
      oldest = v[i].last;
    v[j++] = v[i];
  }
  e->u.ds.len = j;
  e->u.ds.oldest = oldest;
}

/* The value's slot in e, or NULL. A linear scan: O(count) per event, which
 * is nothing at the counts rules use (tens); a per-entry hash index would be
 * the fix if rules near VIGIL_STATE_MAX_COUNT become common. */
static value_t *find_value(entry_t *e, uint64_t h) {
  value_t *v = e->data;
  uint32_t i;

  for (i = 0; i < e->u.ds.len; i++)
    if (v[i].hash == h)
      return &v[i];
  return NULL;
}

int vigil_state_distinct(vigil_state_t *st, const vigil_state_key_t *k, int64_t t_ms,
                         int64_t window_ms, uint32_t count, uint64_t value_hash,
                         uint32_t *ndistinct) {
  int64_t w = clamp_window(window_ms), lo;
  uint32_t n = clamp_count(count);
  int fresh;
  entry_t *e = get(st, k, key_hash(st, k), K_DISTINCT, n, &fresh);
  value_t *v;

  *ndistinct = 0;
  if (!e)
    return 0;
  if (fresh || t_ms > e->u.ds.newest)
    e->u.ds.newest = t_ms;
  lo = add_sat(e->u.ds.newest, -w);
  if (e->u.ds.len > 0 && e->u.ds.oldest <= lo)
    prune_values(e, lo);
  if (t_ms <= lo) {
    *ndistinct = e->u.ds.len;
    return 0;
  }
  if ((v = find_value(e, value_hash))) {
    if (t_ms > v->last)
      v->last = t_ms;
  } else {
    if (e->u.ds.len == e->cap && grow_data(st, e) != 0)
      return 0;
    v = (value_t *)e->data + e->u.ds.len++;
    v->hash = value_hash;
    v->last = t_ms;
    if (e->u.ds.len == 1 || t_ms < e->u.ds.oldest)
      e->u.ds.oldest = t_ms;
  }
  if (e->u.ds.len >= n) {
    *ndistinct = n;
    drop(st, e);
    return 1;
  }
  *ndistinct = e->u.ds.len;
  set_dead(st, e, end_at(e->u.ds.newest, w));
  return 0;
}

/* ---- sequence ------------------------------------------------------------ */

/* An entry exists only while a sequence is under way (1 <= done < nsteps):
 * a key with no step done holds nothing, so none is made for it. */
int vigil_state_sequence(vigil_state_t *st, const vigil_state_key_t *k, int64_t t_ms,
                         int64_t window_ms, uint32_t nsteps, uint32_t steps, uint32_t *progress,
                         int64_t *started_ms) {
  int64_t w = clamp_window(window_ms);
  uint32_t n = nsteps > VIGIL_STATE_MAX_STEPS ? VIGIL_STATE_MAX_STEPS : nsteps ? nsteps : 1;
  uint64_t h = key_hash(st, k);
  entry_t *e = lookup(st, k, h);
  uint32_t p = 0;
  int fresh;

  *progress = 0;
  if (e && (e->kind != K_SEQUENCE || e->limit != n || t_ms >= add_sat(e->u.sq.started, w))) {
    drop(st, e); /* made as another kind (a caller's bug), or its window passed */
    e = NULL;
  }
  if (e) {
    touch(st, e);
    e->evicted = k->evicted;
    p = e->u.sq.done;
  }
  if (((steps >> p) & 1u) && (p == 0 || t_ms >= e->u.sq.last)) {
    if (p + 1 == n) {
      *progress = n;
      *started_ms = p == 0 ? t_ms : e->u.sq.started;
      if (e)
        drop(st, e);
      return 1;
    }
    if (p == 0) {
      if (!(e = get(st, k, h, K_SEQUENCE, n, &fresh)))
        return 0;
      e->u.sq.started = t_ms;
      set_dead(st, e, end_at(t_ms, w));
    }
    e->u.sq.last = t_ms;
    e->u.sq.done = p + 1;
  } else if (p == 1 && (steps & 1u) && t_ms >= e->u.sq.started) {
    /* A later first step only moves the deadline later: never worse. */
    e->u.sq.started = e->u.sq.last = t_ms;
    set_dead(st, e, end_at(t_ms, w));
  }
  *progress = e ? e->u.sq.done : 0;
  return 0;
}
