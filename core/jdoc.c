#include "jdoc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64 * 1024)

/* Bump memory for one record's lists and decoded strings, dropped whole
 * at the next reset (its chunks kept). */
typedef struct chunk_s {
  struct chunk_s *next;
  size_t used;
  size_t cap;
  char data[];
} chunk_t;

/* The entries of one container, found by where its text starts. */
typedef struct listed_s {
  const char *p;
  vigil_jdoc_ent_t *ents;
  size_t n;
} listed_t;

struct vigil_jdoc_s {
  vigil_jval_t root;
  char *tmp;       /* vigil_jdoc_str_tmp's buffer */
  size_t tmp_cap;
  chunk_t *chunks; /* the one in use first */
  chunk_t *spare;
  listed_t *lists;
  size_t nlists;
  size_t cap;
  /* lists by where their text starts: open addressing, a slot in use when
   * its stamp is this record's, so a reset clears nothing */
  uint32_t *slot;  /* index into lists */
  uint32_t *stamp;
  size_t mask;
  uint32_t gen;
};

vigil_jdoc_t *vigil_jdoc_new(void) {
  return calloc(1, sizeof(vigil_jdoc_t));
}

static void free_chunks(chunk_t *c) {
  chunk_t *next;

  for (; c; c = next) {
    next = c->next;
    free(c);
  }
}

void vigil_jdoc_free(vigil_jdoc_t *d) {
  if (!d)
    return;
  free_chunks(d->chunks);
  free_chunks(d->spare);
  free(d->lists);
  free(d->slot);
  free(d->stamp);
  free(d->tmp);
  free(d);
}

void vigil_jdoc_reset(vigil_jdoc_t *d, const char *json, size_t len) {
  const char *p = json;
  const char *end = json + len;
  chunk_t *c;

  while (d->chunks) { /* keep one standard chunk for reuse, free the rest */
    c = d->chunks;
    d->chunks = c->next;
    if (c->cap == CHUNK && !d->spare) {
      c->next = NULL;
      d->spare = c;
    } else {
      free(c);
    }
  }
  d->nlists = 0;
  if (++d->gen == 0 && d->stamp) { /* wrapped: old stamps could look current */
    memset(d->stamp, 0, (d->mask + 1) * sizeof(uint32_t));
    d->gen = 1;
  }
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  memset(&d->root, 0, sizeof(d->root));
  if (p < end && (*p == '{' || *p == '[')) {
    d->root.type = *p == '{' ? VIGIL_J_OBJECT : VIGIL_J_ARRAY;
    d->root.p = p;
    d->root.len = (size_t)(end - p);
  }
}

vigil_jval_t vigil_jdoc_root(const vigil_jdoc_t *d) {
  return d->root;
}

static void *take(vigil_jdoc_t *d, size_t n) {
  chunk_t *c = d->chunks;
  size_t need = (n + 15) & ~(size_t)15;
  size_t cap;

  if (!c || c->cap - c->used < need) {
    cap = need > CHUNK ? need : CHUNK;
    if (cap == CHUNK && d->spare) {
      c = d->spare;
      d->spare = NULL;
    } else if (!(c = malloc(sizeof(chunk_t) + cap))) {
      return NULL;
    } else {
      c->cap = cap;
    }
    c->used = 0;
    c->next = d->chunks;
    d->chunks = c;
  }
  c->used += need;
  return c->data + c->used - need;
}

/* String v decoded into out (room for n + 1, n its decoded length), its
 * length cut at a NUL into *len. */
static const char *decode_into(const vigil_jval_t *v, char *out, size_t n, size_t *len) {
  const char *nul;

  vigil_jval_str(v, out, n + 1);
  nul = memchr(out, '\0', n);
  *len = nul ? (size_t)(nul - out) : n;
  return out;
}

const char *vigil_jdoc_str(vigil_jdoc_t *d, const vigil_jval_t *v, size_t *len) {
  size_t n;
  char *out;

  if (v->type != VIGIL_J_STRING)
    return NULL;
  if (!v->escaped) { /* the scanner refuses raw control bytes: no NUL here */
    *len = v->len;
    return v->p;
  }
  n = vigil_jval_str(v, NULL, 0);
  if (!(out = take(d, n + 1)))
    return NULL;
  return decode_into(v, out, n, len);
}

const char *vigil_jdoc_str_tmp(vigil_jdoc_t *d, const vigil_jval_t *v, size_t *len) {
  size_t n;
  char *p;

  if (v->type != VIGIL_J_STRING || !v->escaped)
    return vigil_jdoc_str(d, v, len); /* nothing to decode: borrowed, or NULL */
  n = vigil_jval_str(v, NULL, 0);
  if (n + 1 > d->tmp_cap) {
    if (!(p = realloc(d->tmp, n + 1)))
      return NULL;
    d->tmp = p;
    d->tmp_cap = n + 1;
  }
  return decode_into(v, d->tmp, n, len);
}

const char *vigil_jdoc_cstr(vigil_jdoc_t *d, const vigil_jval_t *v) {
  size_t len;
  const char *s = vigil_jdoc_str(d, v, &len);
  char *out;

  if (!s || v->escaped) /* decoded copies end in a NUL already */
    return s;
  if (!(out = take(d, len + 1)))
    return NULL;
  memcpy(out, s, len);
  out[len] = '\0';
  return out;
}

double vigil_jdoc_number(const vigil_jval_t *v) {
  char buf[128];
  char *big = NULL;
  char *text = buf;
  double d;

  if (v->type != VIGIL_J_NUMBER)
    return 0;
  if (v->len >= sizeof(buf) && !(text = big = malloc(v->len + 1)))
    return 0;
  memcpy(text, v->p, v->len);
  text[v->len] = '\0';
  d = strtod(text, NULL);
  free(big);
  return d;
}

/* The first 8 bytes of s[0..n), zeros after a shorter one: a lookup
 * compares names by this word, and calls memcmp only for the rest of a
 * longer one (eventName, eventTime and eventType are all 9 bytes long). */
static inline uint64_t head_of(const char *s, size_t n) {
  uint64_t w = 0;

  if (n >= 8)
    memcpy(&w, s, 8);
  else if (n)
    memcpy(&w, s, n);
  return w;
}

static size_t slot_of(const vigil_jdoc_t *d, const char *p) {
  uint64_t h = (uint64_t)(uintptr_t)p * UINT64_C(0x9e3779b97f4a7c15);

  return (size_t)(h >> 32) & d->mask;
}

/* The list of the container whose text starts at p, or NULL. */
static listed_t *find_list(const vigil_jdoc_t *d, const char *p) {
  size_t i;

  if (!d->slot)
    return NULL;
  for (i = slot_of(d, p); d->stamp[i] == d->gen; i = (i + 1) & d->mask) {
    if (d->lists[d->slot[i]].p == p)
      return &d->lists[d->slot[i]];
  }
  return NULL;
}

static void put_slot(vigil_jdoc_t *d, size_t li) {
  size_t i;

  for (i = slot_of(d, d->lists[li].p); d->stamp[i] == d->gen; i = (i + 1) & d->mask)
    ;
  d->slot[i] = (uint32_t)li;
  d->stamp[i] = d->gen;
}

/* Room in the slots for one more list, at most half full. */
static int slots_room(vigil_jdoc_t *d) {
  size_t size = d->slot ? (d->mask + 1) * 2 : 64;
  uint32_t *slot;
  uint32_t *stamp;
  size_t i;

  if (d->slot && (d->nlists + 1) * 2 <= d->mask + 1)
    return 0;
  slot = malloc(size * sizeof(uint32_t));
  stamp = calloc(size, sizeof(uint32_t));
  if (!slot || !stamp) {
    free(slot);
    free(stamp);
    return -1;
  }
  free(d->slot);
  free(d->stamp);
  d->slot = slot;
  d->stamp = stamp;
  d->mask = size - 1;
  if (d->gen == 0)
    d->gen = 1;
  for (i = 0; i < d->nlists; i++)
    put_slot(d, i);
  return 0;
}

/* Files the entries of the container whose text starts at p. */
static listed_t *add_list(vigil_jdoc_t *d, const char *p, vigil_jdoc_ent_t *ents, size_t n) {
  listed_t *l;

  if (slots_room(d) != 0)
    return NULL;
  if (d->nlists == d->cap) {
    l = realloc(d->lists, (d->cap ? d->cap * 2 : 8) * sizeof(*l));
    if (!l)
      return NULL;
    d->lists = l;
    d->cap = d->cap ? d->cap * 2 : 8;
  }
  l = &d->lists[d->nlists];
  l->p = p;
  l->ents = ents;
  l->n = n;
  put_slot(d, d->nlists++);
  return l;
}

int vigil_jdoc_prime(vigil_jdoc_t *d, const vigil_jval_t *obj, const vigil_scan_member_t *m,
                     size_t n) {
  const vigil_jval_t *o = obj ? obj : &d->root;
  vigil_jdoc_ent_t *ents;
  size_t i;

  if (o->type != VIGIL_J_OBJECT || find_list(d, o->p) ||
      !(ents = take(d, (n ? n : 1) * sizeof(*ents))))
    return -1;
  for (i = 0; i < n; i++) {
    ents[i].val = m[i].val;
    if (!(ents[i].key = vigil_jdoc_str(d, &m[i].name, &ents[i].klen)))
      return -1;
    ents[i].head = head_of(ents[i].key, ents[i].klen);
  }
  return add_list(d, o->p, ents, n) ? 0 : -1;
}

/* Lists container v's entries into the doc (once per container). */
static listed_t *list_of(vigil_jdoc_t *d, const vigil_jval_t *v) {
  vigil_scan_iter_t it;
  vigil_jval_t name;
  vigil_jval_t val;
  vigil_jdoc_ent_t *ents = NULL;
  vigil_jdoc_ent_t *grown;
  listed_t *found;
  size_t n = 0;
  size_t cap = 0;
  int rc;

  if ((found = find_list(d, v->p)))
    return found;
  if (v->type == VIGIL_J_OBJECT)
    vigil_scan_members_begin(&it, v);
  else
    vigil_scan_array_begin(&it, v);
  for (;;) {
    rc = v->type == VIGIL_J_OBJECT ? vigil_scan_members_next(&it, &name, &val, NULL)
                                   : vigil_scan_array_next(&it, &val, NULL);
    if (rc < 0)
      return NULL;
    if (rc == 0)
      break;
    if (n == cap) { /* doubled in the arena: the old copy is dropped with it */
      cap = cap ? cap * 2 : 16;
      if (!(grown = take(d, cap * sizeof(*ents))))
        return NULL;
      if (n)
        memcpy(grown, ents, n * sizeof(*ents));
      ents = grown;
    }
    ents[n].val = val;
    ents[n].key = NULL;
    ents[n].klen = 0;
    ents[n].head = 0;
    if (v->type == VIGIL_J_OBJECT) {
      if (!(ents[n].key = vigil_jdoc_str(d, &name, &ents[n].klen)))
        return NULL;
      ents[n].head = head_of(ents[n].key, ents[n].klen);
    }
    n++;
  }
  return add_list(d, v->p, ents, n);
}

int vigil_jdoc_list(vigil_jdoc_t *d, const vigil_jval_t *v, const vigil_jdoc_ent_t **ents,
                    size_t *n) {
  const listed_t *l;

  if (v->type != VIGIL_J_OBJECT && v->type != VIGIL_J_ARRAY)
    return -1;
  if (!(l = list_of(d, v)))
    return -1;
  *ents = l->ents;
  *n = l->n;
  return 0;
}

/* As json_path.c's array_at: 1 to 9 decimal digits, from 1. */
static size_t position(const char *seg, size_t len) {
  size_t idx = 0;
  size_t i;

  if (len == 0 || len > 9)
    return 0;
  for (i = 0; i < len; i++) {
    if (seg[i] < '0' || seg[i] > '9')
      return 0;
    idx = idx * 10 + (size_t)(seg[i] - '0');
  }
  return idx;
}

int vigil_jdoc_index(vigil_jdoc_t *d, const vigil_jval_t *v, size_t i, vigil_jval_t *out) {
  const vigil_jdoc_ent_t *e;
  size_t n;

  if (v->type != VIGIL_J_ARRAY || vigil_jdoc_list(d, v, &e, &n) != 0 || i == 0 || i > n)
    return 0;
  *out = e[i - 1].val;
  return 1;
}

int vigil_jdoc_child(vigil_jdoc_t *d, const vigil_jval_t *v, const char *seg, size_t len,
                     vigil_jval_t *out) {
  const vigil_jdoc_ent_t *e;
  const vigil_jdoc_ent_t *found = NULL;
  uint64_t head;
  size_t n;
  size_t i;

  if (vigil_jdoc_list(d, v, &e, &n) != 0)
    return 0;
  if (v->type == VIGIL_J_ARRAY) {
    i = position(seg, len);
    if (i == 0 || i > n)
      return 0;
    *out = e[i - 1].val;
    return 1;
  }
  head = head_of(seg, len);
  for (i = 0; i < n; i++) { /* the last of a repeated name wins */
    if (e[i].klen == len && e[i].head == head &&
        (len <= 8 || memcmp(e[i].key + 8, seg + 8, len - 8) == 0))
      found = &e[i];
  }
  if (!found)
    return 0;
  *out = found->val;
  return 1;
}

int vigil_jdoc_first(vigil_jdoc_t *d, const vigil_jval_t *v, const char *name,
                     vigil_jval_t *out) {
  const vigil_jdoc_ent_t *e;
  size_t len = strlen(name);
  size_t n;
  size_t i;

  if (v->type != VIGIL_J_OBJECT || vigil_jdoc_list(d, v, &e, &n) != 0)
    return 0;
  for (i = 0; i < n; i++) {
    if (e[i].klen == len && memcmp(e[i].key, name, len) == 0) {
      *out = e[i].val;
      return 1;
    }
  }
  return 0;
}

int vigil_jdoc_path(vigil_jdoc_t *d, const vigil_jval_t *v, const char *path, size_t len,
                    vigil_jval_t *out) {
  const char *end = path + len;
  const char *dot;
  vigil_jval_t at = *v;

  while (path < end) { /* as vigil_json_path, segment by segment */
    dot = memchr(path, '.', (size_t)(end - path));
    if (!dot)
      dot = end;
    if (!vigil_jdoc_child(d, &at, path, (size_t)(dot - path), &at))
      return 0;
    path = dot + 1;
  }
  *out = at;
  return 1;
}
