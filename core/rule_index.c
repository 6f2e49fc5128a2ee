#include "rule_index.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "field_pat.h"
#include "json_path.h"
#include "rule_memo.h"
#include "scan.h"

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

/* One on.unless entry of a rule, compiled: the path by its number in the
 * index's path table, the patterns with their own copies of the text. */
typedef struct cunless_s {
  uint32_t path;
  vigil_fpat_t *pats;
  char **text;
  unsigned char *nocase; /* [npats]: matched against the lowercased value */
  int any_nocase;
  int npats;
  int bools;
} cunless_t;

/* What a rule found through a map or a list must still meet. */
typedef struct filter_s {
  pats_t src;
  pats_t err;
  pats_t type;
  pats_t etype;
  int error_need; /* 1: failed calls only, -1: successful only */
  cunless_t *unless;
  int nunless;
} filter_t;

/* The fields unless reads, as a tree of names: node 0 is the record, the
 * others a member of their parent's object. The members of one object are
 * all read in one scan of its bytes. */
typedef struct fnode_s {
  char *name;          /* NULL for the root */
  uint32_t parent;
  char **kids;         /* the children's names (their own pointers) */
  uint32_t *kid_id;
  size_t nkids;
  size_t kcap;
  vigil_scan_keys_t *ks; /* the children's names prepared for the scan */
} fnode_t;

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
  fnode_t *nodes;     /* every path an unless reads; cunless_t.path is its leaf */
  size_t nnodes;
  size_t ncap;
  size_t maxkids;
};

struct vigil_ix_scratch_s {
  vigil_ix_memo_t *memo; /* the remembered answers, made on first use */
  vigil_jval_t *val;  /* [nnodes]: the record being checked */
  unsigned char *have; /* [nnodes]: val read */
  vigil_jval_t *tmp;  /* [maxkids] */
  char *buf;          /* escaped strings, decoded */
  size_t cap;
  char *lower;        /* a value lowercased, for nocase patterns */
  size_t lcap;
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
    if (s->klen == len && (len == 0 || s->key[0] == key[0]) && memcmp(s->key, key, len) == 0)
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

/* Room for one more element in *arr (n used, *cap allocated). */
static int grow_to(void **arr, size_t n, size_t *cap, size_t size) {
  void *p;

  if (n < *cap)
    return 0;
  p = realloc(*arr, (*cap ? *cap * 2 : 4) * size);
  if (!p)
    return -1;
  *arr = p;
  *cap = *cap ? *cap * 2 : 4;
  return 0;
}

/* The child of node `at` called name, made when missing: its id, or -1
 * when out of memory. */
static ssize_t kid(vigil_rule_index_t *ix, uint32_t at, const char *name, size_t len) {
  fnode_t *n = &ix->nodes[at];
  fnode_t *k;
  size_t i;
  uint32_t id;

  for (i = 0; i < n->nkids; i++) {
    if (strlen(n->kids[i]) == len && memcmp(n->kids[i], name, len) == 0)
      return n->kid_id[i];
  }
  if (grow_to((void **)&ix->nodes, ix->nnodes, &ix->ncap, sizeof(fnode_t)) != 0)
    return -1;
  n = &ix->nodes[at]; /* moved */
  if (n->nkids == n->kcap) {
    size_t cap = n->kcap ? n->kcap * 2 : 4;
    char **names = realloc(n->kids, cap * sizeof(char *));
    uint32_t *ids;

    if (!names)
      return -1;
    n->kids = names;
    if (!(ids = realloc(n->kid_id, cap * sizeof(uint32_t))))
      return -1;
    n->kid_id = ids;
    n->kcap = cap;
  }
  id = (uint32_t)ix->nnodes;
  k = &ix->nodes[id];
  memset(k, 0, sizeof(*k));
  if (!(k->name = strndup(name, len)))
    return -1;
  k->parent = at;
  ix->nnodes++;
  n->kids[n->nkids] = k->name;
  n->kid_id[n->nkids] = id;
  n->nkids++;
  if (n->nkids > ix->maxkids)
    ix->maxkids = n->nkids;
  return id;
}

/* The leaf node of a dotted path (rule_on.c checked its shape), made when
 * new; -1 when out of memory. */
static ssize_t path_id(vigil_rule_index_t *ix, const char *path) {
  const char *dot;
  ssize_t at = 0;

  if (ix->nnodes == 0) {
    if (grow_to((void **)&ix->nodes, 0, &ix->ncap, sizeof(fnode_t)) != 0)
      return -1;
    memset(&ix->nodes[0], 0, sizeof(fnode_t));
    ix->nnodes = 1;
  }
  for (;;) {
    dot = strchr(path, '.');
    at = kid(ix, (uint32_t)at, path, dot ? (size_t)(dot - path) : strlen(path));
    if (at < 0 || !dot)
      return at;
    path = dot + 1;
  }
}

static int copy_unless(vigil_rule_index_t *ix, filter_t *f, const vigil_rule_t *r) {
  const vigil_unless_t *u;
  cunless_t *c;
  ssize_t id;
  int i;
  int j;

  if (r->nunless == 0)
    return 0;
  if (!(f->unless = calloc((size_t)r->nunless, sizeof(cunless_t))))
    return -1;
  for (i = 0; i < r->nunless; i++) {
    u = &r->unless[i];
    c = &f->unless[f->nunless++];
    if ((id = path_id(ix, u->path)) < 0)
      return -1;
    c->path = (uint32_t)id;
    c->bools = u->bools;
    if (u->npats && (!(c->pats = calloc((size_t)u->npats, sizeof(vigil_fpat_t))) ||
                     !(c->text = calloc((size_t)u->npats, sizeof(char *))) ||
                     !(c->nocase = calloc((size_t)u->npats, 1))))
      return -1;
    for (j = 0; j < u->npats; j++) {
      if (!(c->text[j] = strdup(u->pats[j])))
        return -1;
      c->nocase[j] = u->nocase[j];
      c->any_nocase |= u->nocase[j];
      c->npats++;
      if (vigil_fpat_parse(c->text[j], &c->pats[j]) != 0)
        return -1; /* rule_on.c parsed it already */
    }
  }
  return 0;
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
    if (copy_unless(ix, &ix->filters[i], r) != 0)
      goto fail;
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
  /* The names each object's scan looks for, filed once (NULL when out of
   * memory: then filed per scan). */
  for (i = 0; i < ix->nnodes; i++) {
    if (ix->nodes[i].nkids && (ix->nodes[i].ks = malloc(sizeof(vigil_scan_keys_t))))
      vigil_scan_keys_init(ix->nodes[i].ks, (const char *const *)ix->nodes[i].kids,
                           ix->nodes[i].nkids);
  }
  return ix;

fail:
  vigil_rule_index_free(ix);
  return NULL;
}

static void free_unless(filter_t *f) {
  int i;
  int j;

  for (i = 0; i < f->nunless; i++) {
    for (j = 0; j < f->unless[i].npats; j++)
      free(f->unless[i].text[j]);
    free(f->unless[i].text);
    free(f->unless[i].pats);
    free(f->unless[i].nocase);
  }
  free(f->unless);
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
    free_unless(&ix->filters[i]);
  }
  free(ix->filters);
  for (i = 0; i < ix->nnodes; i++) {
    free(ix->nodes[i].name);
    free(ix->nodes[i].kids);
    free(ix->nodes[i].kid_id);
    free(ix->nodes[i].ks);
  }
  free(ix->nodes);
  free(ix);
}

/* The first bytes are compared before memcmp is called: most values
 * differ there (eventName prefixes Get*, List*, Describe* meet every
 * record). */
static inline int pat_hit(const pat_t *p, const char *s, size_t len) {
  if (p->prefix ? len < p->len : len != p->len)
    return 0;
  return p->len == 0 || (p->s[0] == s[0] && memcmp(p->s, s, p->len) == 0);
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

size_t vigil_rule_index_match_memo(const vigil_rule_index_t *ix, vigil_ix_scratch_t *sc,
                                   const vigil_ix_event_t *ev, uint32_t *out, size_t cap) {
  return vigil_ix_memo_match(&sc->memo, ix, ev, out, cap);
}

int vigil_rule_index_needs_type(const vigil_rule_index_t *ix) {
  return ix->needs_type;
}

size_t vigil_rule_index_wildcards(const vigil_rule_index_t *ix) {
  return ix->nwild;
}

/* ---- on.unless, from the record's bytes ---- */

int vigil_rule_index_has_unless(const vigil_rule_index_t *ix) {
  return ix->nnodes > 0;
}

vigil_ix_scratch_t *vigil_ix_scratch_new(const vigil_rule_index_t *ix) {
  vigil_ix_scratch_t *sc = calloc(1, sizeof(*sc));
  size_t n = ix->nnodes ? ix->nnodes : 1;

  if (!sc)
    return NULL;
  sc->val = calloc(n, sizeof(vigil_jval_t));
  sc->have = calloc(n, 1);
  sc->tmp = calloc(ix->maxkids ? ix->maxkids : 1, sizeof(vigil_jval_t));
  sc->cap = 1024;
  sc->buf = malloc(sc->cap);
  if (!sc->val || !sc->have || !sc->tmp || !sc->buf) {
    vigil_ix_scratch_free(sc);
    return NULL;
  }
  return sc;
}

void vigil_ix_scratch_free(vigil_ix_scratch_t *sc) {
  if (!sc)
    return;
  vigil_ix_memo_free(sc->memo);
  free(sc->val);
  free(sc->have);
  free(sc->tmp);
  free(sc->buf);
  free(sc->lower);
  free(sc);
}

/* The value of node id in the record (node 0, set by the caller): its
 * parent's object is scanned once for all of the parent's children, on
 * first need. The record was validated when it was decoded; a scan that
 * fails anyway leaves the values absent. Recursion is as deep as the
 * path (at most VIGIL_UNLESS_MAX_DEPTH). */
static const vigil_jval_t *node_val(const vigil_rule_index_t *ix, vigil_ix_scratch_t *sc,
                                    uint32_t id) {
  const fnode_t *p = &ix->nodes[ix->nodes[id].parent];
  const vigil_jval_t *pv;
  size_t i;

  if (sc->have[id])
    return &sc->val[id];
  pv = node_val(ix, sc, ix->nodes[id].parent);
  if (pv->type != VIGIL_J_OBJECT ||
      (p->ks ? vigil_scan_object_valid_keys(pv->p, pv->len, p->ks, sc->tmp)
             : vigil_scan_object_valid(pv->p, pv->len, (const char *const *)p->kids, p->nkids,
                                       sc->tmp)))
    memset(sc->tmp, 0, p->nkids * sizeof(vigil_jval_t));
  for (i = 0; i < p->nkids; i++) {
    sc->val[p->kid_id[i]] = sc->tmp[i];
    sc->have[p->kid_id[i]] = 1;
  }
  return &sc->val[id];
}

/* The decoded text of string v as cJSON would hold it: escapes decoded,
 * cut at a NUL (its strings are C strings). Borrowed when unescaped. */
static const char *jtext(vigil_ix_scratch_t *sc, const vigil_jval_t *v, size_t *len) {
  size_t n;
  char *p;
  const char *nul;

  if (!v->escaped) {
    *len = v->len;
    return v->p;
  }
  n = vigil_jval_str(v, sc->buf, sc->cap);
  if (n >= sc->cap) {
    if (!(p = realloc(sc->buf, n + 1)))
      return NULL;
    sc->buf = p;
    sc->cap = n + 1;
    n = vigil_jval_str(v, sc->buf, sc->cap);
  }
  nul = memchr(sc->buf, '\0', n);
  *len = nul ? (size_t)(nul - sc->buf) : n;
  return sc->buf;
}

/* s[0..len) in ASCII lower case, as Lua's string.lower makes it, into
 * *buf (grown as needed); NULL when out of memory. */
static const char *lowered(char **buf, size_t *cap, const char *s, size_t len) {
  char *p;
  size_t i;

  if (len + 1 > *cap) {
    if (!(p = realloc(*buf, len + 1)))
      return NULL;
    *buf = p;
    *cap = len + 1;
  }
  i = 0;
#ifdef __SSE2__
  /* Sixteen bytes at a time: 'A'..'Z' moved to the bottom of the signed
   * range is below -128 + 26, so one compare finds them. */
  for (; i + 16 <= len; i += 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i up = _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - 'A'))),
                                _mm_set1_epi8((char)(-128 + 26)));

    x = _mm_or_si128(x, _mm_and_si128(up, _mm_set1_epi8(0x20)));
    _mm_storeu_si128((__m128i *)(void *)(*buf + i), x);
  }
#endif
  /* Eight bytes at a time: a byte gets 0x20 when it is 'A'..'Z' (an ASCII
   * byte at least 'A' and not above 'Z'); bytes >= 0x80 are left alone. */
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    uint64_t low7;
    uint64_t upper;

    memcpy(&w, s + i, 8);
    low7 = w & UINT64_C(0x7f7f7f7f7f7f7f7f);
    upper = ((low7 + UINT64_C(0x0101010101010101) * (0x80 - 'A')) ^
             (low7 + UINT64_C(0x0101010101010101) * (0x80 - 'Z' - 1))) &
            ~w & UINT64_C(0x8080808080808080);
    w |= upper >> 2;
    memcpy(*buf + i, &w, 8);
  }
  for (; i < len; i++)
    (*buf)[i] = (unsigned char)(s[i] - 'A') < 26 ? (char)(s[i] | 0x20) : s[i];
  return *buf;
}

/* 1 when value v meets entry c (a string one of its patterns, a boolean
 * one of its booleans). low is s lowercased (for nocase patterns). */
static int unless_hit(const cunless_t *c, const char *s, const char *low, size_t len,
                      vigil_jtype_t t) {
  int i;

  if (t == VIGIL_J_TRUE)
    return (c->bools & VIGIL_UNLESS_TRUE) != 0;
  if (t == VIGIL_J_FALSE)
    return (c->bools & VIGIL_UNLESS_FALSE) != 0;
  for (i = 0; s && i < c->npats; i++) {
    if (c->nocase[i] ? low && vigil_fpat_hit(&c->pats[i], low, len)
                     : vigil_fpat_hit(&c->pats[i], s, len))
      return 1;
  }
  return 0;
}

size_t vigil_rule_index_top_names(const vigil_rule_index_t *ix, const char *const **names) {
  *names = ix->nnodes ? (const char *const *)ix->nodes[0].kids : NULL;
  return ix->nnodes ? ix->nodes[0].nkids : 0;
}

size_t vigil_rule_index_unless(const vigil_rule_index_t *ix, vigil_ix_scratch_t *sc,
                               const char *json, size_t len, const vigil_jval_t *top,
                               size_t ntop, uint32_t *cand, size_t n) {
  const filter_t *f;
  const vigil_jval_t *v;
  const char *s;
  const char *low;
  const char *low_at = NULL;
  uint32_t low_node = UINT32_MAX;
  size_t slen;
  size_t i;
  size_t kept = 0;
  int j;
  int skip;

  if (ix->nnodes == 0)
    return n;
  memset(sc->have, 0, ix->nnodes);
  sc->val[0] = (vigil_jval_t){VIGIL_J_OBJECT, 0, json, len};
  sc->have[0] = 1;
  for (i = 0; top && i < ntop && i < ix->nodes[0].nkids; i++) {
    sc->val[ix->nodes[0].kid_id[i]] = top[i];
    sc->have[ix->nodes[0].kid_id[i]] = 1;
  }
  for (i = 0; i < n; i++) {
    f = &ix->filters[cand[i]];
    skip = 0;
    for (j = 0; j < f->nunless && !skip; j++) {
      v = node_val(ix, sc, f->unless[j].path);
      s = NULL;
      low = NULL;
      slen = 0;
      if (v->type == VIGIL_J_STRING)
        s = jtext(sc, v, &slen);
      else if (v->type != VIGIL_J_TRUE && v->type != VIGIL_J_FALSE)
        continue;
      if (s && f->unless[j].any_nocase) { /* rules often lowercase the same field */
        if (low_node != f->unless[j].path)
          low_at = lowered(&sc->lower, &sc->lcap, s, slen);
        low_node = low_at ? f->unless[j].path : UINT32_MAX;
        low = low_at;
      }
      skip = unless_hit(&f->unless[j], s, low, slen, v->type);
    }
    if (!skip)
      cand[kept++] = cand[i];
  }
  return kept;
}

/* ---- the reference: one rule against a parsed event ---- */

/* The node at a dotted path, through objects only, as the fast path reads
 * it; a repeated name gives its last value (vigil_json_child), as there. */
static const cJSON *at_path(const cJSON *o, const char *path) {
  const char *dot;
  size_t n;

  for (;;) {
    dot = strchr(path, '.');
    n = dot ? (size_t)(dot - path) : strlen(path);
    if (!cJSON_IsObject(o))
      return NULL;
    o = vigil_json_child(o, path, n);
    if (!dot || !o)
      return o;
    path = dot + 1;
  }
}

/* 1 when some on.unless entry of r is met by ev. */
static int unless_met(const vigil_rule_t *r, const cJSON *ev) {
  const cJSON *v;
  vigil_fpat_t fp;
  const char *s;
  char *low = NULL;
  size_t cap = 0;
  size_t len;
  int i;
  int j;

  for (i = 0; i < r->nunless; i++) {
    v = at_path(ev, r->unless[i].path);
    if (cJSON_IsBool(v) &&
        (r->unless[i].bools & (cJSON_IsTrue(v) ? VIGIL_UNLESS_TRUE : VIGIL_UNLESS_FALSE)))
      return 1;
    for (j = 0; cJSON_IsString(v) && j < r->unless[i].npats; j++) {
      len = strlen(v->valuestring);
      s = v->valuestring;
      if (r->unless[i].nocase[j] && !(s = lowered(&low, &cap, s, len)))
        continue;
      if (vigil_fpat_parse(r->unless[i].pats[j], &fp) == 0 && vigil_fpat_hit(&fp, s, len)) {
        free(low);
        return 1;
      }
    }
  }
  free(low);
  return 0;
}

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
  if (unless_met(r, ev))
    return 0;
  return listed(r->sources, r->nsources, str_at(ev, "eventSource")) &&
         listed(r->names, r->nnames, str_at(ev, "eventName")) &&
         listed(r->errors, r->nerrors, err) &&
         listed(r->event_types, r->nevent_types, str_at(ev, "eventType")) &&
         listed(r->id_types, r->nid_types,
                str_at(cJSON_GetObjectItemCaseSensitive(ev, "userIdentity"), "type"));
}
