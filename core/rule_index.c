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

/* One value of an `on` list: exact, or a prefix when it ended in '*'. */
typedef struct pat_s {
  char *s;
  size_t len;
  int prefix;
} pat_t;

typedef struct pats_s {
  pat_t *v;
  int n; /* 0: any value */
} pats_t;

/* What a rule found through a map or a list must still meet. */
typedef struct filter_s {
  pats_t src;
  pats_t err;
  pats_t type;
  pats_t etype;
  int error_need; /* 1: failed calls only, -1: successful only */
} filter_t;

/* A rule filed under an eventName prefix. */
typedef struct prefix_s {
  pat_t pat;
  uint32_t rule;
} prefix_t;

struct vigil_rule_index_s {
  map_t by_name;      /* rules naming exact eventNames (maybe sources too) */
  prefix_t *prefixes; /* rules naming eventName prefixes */
  size_t nprefixes;
  map_t by_source;    /* rules naming sources only */
  uint32_t *wild;     /* rules naming neither */
  size_t nwild;
  filter_t *filters;
  size_t nrules;
  int needs_type;
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


static int pat_set(pat_t *p, const char *s) {
  size_t len = strlen(s);

  p->prefix = len > 1 && s[len - 1] == '*';
  p->len = p->prefix ? len - 1 : len;
  p->s = strndup(s, p->len);
  return p->s ? 0 : -1;
}

static int copy_pats(pats_t *p, char **v, int n) {
  int i;

  p->n = 0;
  if (n == 0)
    return 0;
  p->v = calloc((size_t)n, sizeof(pat_t));
  if (!p->v)
    return -1;
  for (i = 0; i < n; i++, p->n++) {
    if (pat_set(&p->v[i], v[i]) != 0)
      return -1;
  }
  return 0;
}

static void free_pats(pats_t *p) {
  int i;

  for (i = 0; i < p->n; i++)
    free(p->v[i].s);
  free(p->v);
}

static int copy_filter(filter_t *f, const vigil_rule_t *r) {
  f->error_need = r->error_need;
  if (copy_pats(&f->src, r->sources, r->nsources) != 0 ||
      copy_pats(&f->err, r->errors, r->nerrors) != 0 ||
      copy_pats(&f->etype, r->event_types, r->nevent_types) != 0)
    return -1;
  return copy_pats(&f->type, r->id_types, r->nid_types);
}

static int add_prefix(vigil_rule_index_t *ix, size_t *cap, const char *name, uint32_t rule) {
  prefix_t *p;

  if (ix->nprefixes == *cap) {
    *cap = *cap ? *cap * 2 : 8;
    p = realloc(ix->prefixes, *cap * sizeof(prefix_t));
    if (!p)
      return -1;
    ix->prefixes = p;
  }
  ix->prefixes[ix->nprefixes].rule = rule;
  if (pat_set(&ix->prefixes[ix->nprefixes].pat, name) != 0)
    return -1;
  ix->nprefixes++;
  return 0;
}

/* Files rule i under its exact names and its prefixes. */
static int file_names(vigil_rule_index_t *ix, const vigil_rule_t *r, uint32_t i, size_t *pcap) {
  int j;
  size_t len;

  for (j = 0; j < r->nnames; j++) {
    len = strlen(r->names[j]);
    if (len > 1 && r->names[j][len - 1] == '*') {
      if (add_prefix(ix, pcap, r->names[j], i) != 0)
        return -1;
    } else if (map_add(&ix->by_name, r->names[j], i) != 0) {
      return -1;
    }
  }
  return 0;
}

vigil_rule_index_t *vigil_rule_index_build(const vigil_ruleset_t *rs) {
  vigil_rule_index_t *ix = calloc(1, sizeof(*ix));
  size_t i;
  size_t wcap = 0;
  size_t pcap = 0;
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
    if (r->nid_types)
      ix->needs_type = 1;
    if (file_names(ix, r, (uint32_t)i, &pcap) != 0)
      goto fail;
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

  if (!ix)
    return;
  map_free(&ix->by_name);
  map_free(&ix->by_source);
  for (i = 0; i < ix->nprefixes; i++)
    free(ix->prefixes[i].pat.s);
  free(ix->prefixes);
  free(ix->wild);
  for (i = 0; ix->filters && i < ix->nrules; i++) {
    free_pats(&ix->filters[i].src);
    free_pats(&ix->filters[i].err);
    free_pats(&ix->filters[i].type);
    free_pats(&ix->filters[i].etype);
  }
  free(ix->filters);
  free(ix);
}

static int pat_hit(const pat_t *p, const char *s, size_t len) {
  if (p->prefix)
    return len >= p->len && memcmp(p->s, s, p->len) == 0;
  return len == p->len && memcmp(p->s, s, len) == 0;
}

/* An empty list takes anything; otherwise the value must be there. */
static int pats_ok(const pats_t *p, const char *s, size_t len) {
  int i;

  if (p->n == 0)
    return 1;
  for (i = 0; s && i < p->n; i++) {
    if (pat_hit(&p->v[i], s, len))
      return 1;
  }
  return 0;
}

static int filter_ok(const filter_t *f, const vigil_ix_event_t *ev) {
  if (f->error_need == 1 && !ev->err)
    return 0;
  if (f->error_need == -1 && ev->err)
    return 0;
  return pats_ok(&f->src, ev->src, ev->srclen) && pats_ok(&f->err, ev->err, ev->errlen) &&
         pats_ok(&f->type, ev->type, ev->typelen) && pats_ok(&f->etype, ev->etype, ev->etypelen);
}

/* Appends rule to out, keeping it sorted and without repeats (a rule can
 * be reached by an exact name and a prefix). Lists are short. */
static size_t put(uint32_t *out, size_t n, size_t cap, uint32_t rule) {
  size_t i;

  for (i = 0; i < n && i < cap; i++) {
    if (out[i] == rule)
      return n;
  }
  if (n >= cap)
    return n + 1;
  for (i = n; i > 0 && out[i - 1] > rule; i--)
    out[i] = out[i - 1];
  out[i] = rule;
  return n + 1;
}

static size_t put_list(const vigil_rule_index_t *ix, const uint32_t *rules, size_t nr,
                       const vigil_ix_event_t *ev, uint32_t *out, size_t n, size_t cap) {
  size_t i;

  for (i = 0; i < nr; i++) {
    if (filter_ok(&ix->filters[rules[i]], ev))
      n = put(out, n, cap, rules[i]);
  }
  return n;
}

size_t vigil_rule_index_match(const vigil_rule_index_t *ix, const vigil_ix_event_t *ev,
                              uint32_t *out, size_t cap) {
  size_t n = 0;
  size_t i;
  const slot_t *s;
  const prefix_t *p;

  if (ev->name && (s = lookup(&ix->by_name, ev->name, ev->namelen)) && s->key)
    n = put_list(ix, s->rules, s->n, ev, out, n, cap);
  for (i = 0; ev->name && i < ix->nprefixes; i++) {
    p = &ix->prefixes[i];
    if (pat_hit(&p->pat, ev->name, ev->namelen) && filter_ok(&ix->filters[p->rule], ev))
      n = put(out, n, cap, p->rule);
  }
  if (ev->src && (s = lookup(&ix->by_source, ev->src, ev->srclen)) && s->key)
    n = put_list(ix, s->rules, s->n, ev, out, n, cap);
  return put_list(ix, ix->wild, ix->nwild, ev, out, n, cap);
}

int vigil_rule_index_needs_type(const vigil_rule_index_t *ix) {
  return ix->needs_type;
}

size_t vigil_rule_index_wildcards(const vigil_rule_index_t *ix) {
  return ix->nwild;
}

/* ---- the reference: one rule against a parsed event ---- */

static const char *str_at(const cJSON *o, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* s in list (exact, or starting with a value that ends in '*'). */
static int listed(char **list, int n, const char *s) {
  int i;
  size_t len;

  if (n == 0)
    return 1;
  for (i = 0; s && i < n; i++) {
    len = strlen(list[i]);
    if (len > 1 && list[i][len - 1] == '*' ? strncmp(s, list[i], len - 1) == 0
                                           : strcmp(s, list[i]) == 0)
      return 1;
  }
  return 0;
}

int vigil_rule_admits(const vigil_rule_t *r, const cJSON *ev) {
  const char *err = str_at(ev, "errorCode");

  if (err && !err[0])
    err = NULL; /* an empty errorCode is no error */
  if ((r->error_need == 1 && !err) || (r->error_need == -1 && err))
    return 0;
  return listed(r->sources, r->nsources, str_at(ev, "eventSource")) &&
         listed(r->names, r->nnames, str_at(ev, "eventName")) &&
         listed(r->errors, r->nerrors, err) &&
         listed(r->event_types, r->nevent_types, str_at(ev, "eventType")) &&
         listed(r->id_types, r->nid_types,
                str_at(cJSON_GetObjectItemCaseSensitive(ev, "userIdentity"), "type"));
}
