#include "rule_index.h"

#include <stdlib.h>
#include <string.h>

typedef struct slot_s {
  char *key;       /* NULL: empty slot */
  size_t klen;
  uint32_t *rules; /* ascending */
  size_t n;
  size_t cap;
} slot_t;

/* Open addressing, linear probing, power-of-two size, never more than half
 * full. Keys are the few hundred eventNames rules name. */
typedef struct map_s {
  slot_t *slots;
  size_t mask;
  size_t used;
} map_t;

typedef struct filter_s {
  char **src;  /* the rule's eventSource values; n == 0: any source */
  size_t *len;
  int n;
} filter_t;

struct vigil_rule_index_s {
  map_t by_name;   /* rules naming eventNames (maybe sources too) */
  map_t by_source; /* rules naming sources only */
  uint32_t *wild;  /* rules naming neither */
  size_t nwild;
  filter_t *filters;
  size_t nrules;
};

static uint64_t hash(const char *s, size_t len) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  size_t i;

  for (i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ull;
  }
  return h;
}

static slot_t *lookup(const map_t *m, const char *key, size_t len) {
  size_t i;
  slot_t *s;

  if (!m->slots)
    return NULL;
  for (i = hash(key, len) & m->mask;; i = (i + 1) & m->mask) {
    s = &m->slots[i];
    if (!s->key)
      return s;
    if (s->klen == len && memcmp(s->key, key, len) == 0)
      return s;
  }
}

static int grow(map_t *m) {
  map_t bigger;
  size_t i;
  size_t size = m->slots ? (m->mask + 1) * 2 : 64;
  slot_t *dst;

  bigger.slots = calloc(size, sizeof(slot_t));
  if (!bigger.slots)
    return -1;
  bigger.mask = size - 1;
  bigger.used = m->used;
  for (i = 0; m->slots && i <= m->mask; i++) {
    if (!m->slots[i].key)
      continue;
    dst = lookup(&bigger, m->slots[i].key, m->slots[i].klen);
    *dst = m->slots[i];
  }
  free(m->slots);
  *m = bigger;
  return 0;
}

static int push_rule(uint32_t **arr, size_t *n, size_t *cap, uint32_t rule) {
  uint32_t *p;

  if (*n > 0 && (*arr)[*n - 1] == rule)
    return 0; /* a rule listing a name twice */
  if (*n == *cap) {
    *cap = *cap ? *cap * 2 : 4;
    p = realloc(*arr, *cap * sizeof(uint32_t));
    if (!p)
      return -1;
    *arr = p;
  }
  (*arr)[(*n)++] = rule;
  return 0;
}

static int map_add(map_t *m, const char *key, uint32_t rule) {
  size_t len = strlen(key);
  slot_t *s;

  if ((m->used + 1) * 2 > (m->slots ? m->mask + 1 : 0) && grow(m) != 0)
    return -1;
  s = lookup(m, key, len);
  if (!s->key) {
    s->key = strdup(key);
    if (!s->key)
      return -1;
    s->klen = len;
    m->used++;
  }
  return push_rule(&s->rules, &s->n, &s->cap, rule);
}

static void map_free(map_t *m) {
  size_t i;

  for (i = 0; m->slots && i <= m->mask; i++) {
    free(m->slots[i].key);
    free(m->slots[i].rules);
  }
  free(m->slots);
}

static int copy_filter(filter_t *f, const vigil_rule_t *r) {
  int i;

  f->n = r->nsources;
  if (f->n == 0)
    return 0;
  f->src = calloc((size_t)f->n, sizeof(char *));
  f->len = calloc((size_t)f->n, sizeof(size_t));
  if (!f->src || !f->len)
    return -1;
  for (i = 0; i < f->n; i++) {
    f->src[i] = strdup(r->sources[i]);
    if (!f->src[i])
      return -1;
    f->len[i] = strlen(f->src[i]);
  }
  return 0;
}

vigil_rule_index_t *vigil_rule_index_build(const vigil_ruleset_t *rs) {
  vigil_rule_index_t *ix = calloc(1, sizeof(*ix));
  size_t i;
  size_t wcap = 0;
  int j;
  const vigil_rule_t *r;

  if (!ix)
    return NULL;
  ix->nrules = rs->nrules;
  ix->filters = calloc(rs->nrules ? rs->nrules : 1, sizeof(filter_t));
  if (!ix->filters)
    goto fail;
  for (i = 0; i < rs->nrules; i++) {
    r = &rs->rules[i];
    if (copy_filter(&ix->filters[i], r) != 0)
      goto fail;
    if (!vigil_rule_enabled(r))
      continue; /* loaded (and tested), never run */
    for (j = 0; j < r->nnames; j++) {
      if (map_add(&ix->by_name, r->names[j], (uint32_t)i) != 0)
        goto fail;
    }
    for (j = 0; r->nnames == 0 && j < r->nsources; j++) {
      if (map_add(&ix->by_source, r->sources[j], (uint32_t)i) != 0)
        goto fail;
    }
    if (r->nnames == 0 && r->nsources == 0 &&
        push_rule(&ix->wild, &ix->nwild, &wcap, (uint32_t)i) != 0)
      goto fail;
  }
  return ix;

fail:
  vigil_rule_index_free(ix);
  return NULL;
}

void vigil_rule_index_free(vigil_rule_index_t *ix) {
  size_t i;
  int j;

  if (!ix)
    return;
  map_free(&ix->by_name);
  map_free(&ix->by_source);
  free(ix->wild);
  for (i = 0; ix->filters && i < ix->nrules; i++) {
    for (j = 0; ix->filters[i].src && j < ix->filters[i].n; j++)
      free(ix->filters[i].src[j]);
    free(ix->filters[i].src);
    free(ix->filters[i].len);
  }
  free(ix->filters);
  free(ix);
}

static int source_ok(const filter_t *f, const char *src, size_t len) {
  int i;

  if (f->n == 0)
    return 1;
  for (i = 0; src && i < f->n; i++) {
    if (f->len[i] == len && memcmp(f->src[i], src, len) == 0)
      return 1;
  }
  return 0;
}

/* Appends rule to out, keeping it sorted (lists are short). */
static size_t put(uint32_t *out, size_t n, size_t cap, uint32_t rule) {
  size_t i;

  if (n >= cap)
    return n + 1;
  for (i = n; i > 0 && out[i - 1] > rule; i--)
    out[i] = out[i - 1];
  out[i] = rule;
  return n + 1;
}

size_t vigil_rule_index_match(const vigil_rule_index_t *ix, const char *src, size_t srclen,
                              const char *name, size_t namelen, uint32_t *out, size_t cap) {
  size_t n = 0;
  size_t i;
  const slot_t *s;

  if (name && (s = lookup(&ix->by_name, name, namelen)) && s->key) {
    for (i = 0; i < s->n; i++) {
      if (source_ok(&ix->filters[s->rules[i]], src, srclen))
        n = put(out, n, cap, s->rules[i]);
    }
  }
  if (src && (s = lookup(&ix->by_source, src, srclen)) && s->key) {
    for (i = 0; i < s->n; i++)
      n = put(out, n, cap, s->rules[i]);
  }
  for (i = 0; i < ix->nwild; i++)
    n = put(out, n, cap, ix->wild[i]);
  return n;
}

size_t vigil_rule_index_wildcards(const vigil_rule_index_t *ix) {
  return ix->nwild;
}
