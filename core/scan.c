/*
 * The validating JSON scanner (contract in scan.h).
 *
 * One forward pass over buf[0..len), never reading outside it (buffers are
 * not NUL-terminated). Nesting is tracked with a depth counter and a small
 * fixed stack, never with recursion, so hostile input cannot grow the C
 * stack. Nothing is allocated.
 *
 * What is checked is the RFC 8259 grammar. UTF-8 is not validated: bytes
 * >= 0x80 inside strings pass through as they are (cJSON does the same), so
 * a caller that needs valid UTF-8 must check it where it matters.
 */
#include "scan.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "scan_int.h"

/* string() is called for every name and string value: inlined into its
 * few callers it saves a call per string (~3% of a scan). */
#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* The state of one scan: the bounds and, after a failure, where and why. */
struct sc {
  const char *end;
  const char *err_at;
  const char *what;
};

/* Records the first failure and returns NULL so callers can `return fail()`. */
static const char *fail(struct sc *s, const char *at, const char *what) {
  s->err_at = at;
  s->what = what;
  return NULL;
}

static int report(const struct sc *s, const char *base, vigil_scan_err_t *err) {
  if (err) {
    err->offset = (size_t)(s->err_at - base);
    err->what = s->what;
  }
  return -1;
}


static inline const char *ws(const char *p, const char *end) {
  if (p < end && (unsigned char)*p > ' ')
    return p; /* the common case: no whitespace at all */
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
    p++;
  return p;
}

/* ---- strings ----------------------------------------------------------- */

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/*
 * High bit set in each byte of w that is '"', '\\' or below 0x20, eight
 * bytes at a time. Borrows can flag bytes above a real hit, never below
 * one, so the lowest flag is exact.
 */
static inline uint64_t specials(uint64_t w) {
  uint64_t q = w ^ (ONES * '"');
  uint64_t b = w ^ (ONES * '\\');

  return (((q - ONES) & ~q) | ((b - ONES) & ~b) | ((w - ONES * 0x20) & ~w)) & HIGHS;
}

static inline int special(unsigned char c) {
  return c == '"' || c == '\\' || c < 0x20;
}

/*
 * First byte in [p, end) that ends a plain run of string text, or end.
 * Strings are most of a CloudTrail record's bytes, so this loop is the
 * scanner's speed: 16 bytes a step with SSE2 (about a fifth faster on
 * bench/scan_bench.c than 8), then 8 with plain integers, then single bytes.
 */
static inline const char *find_special(const char *p, const char *end) {
  uint64_t w, m;
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
  const __m128i ctl = _mm_set1_epi8(0x1F);
  __m128i x, hit;
  int bits;

  while (end - p >= 16) {
    x = _mm_loadu_si128((const __m128i *)(const void *)p);
    hit = _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash));
    hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x)); /* x <= 0x1F */
    bits = _mm_movemask_epi8(hit);
    if (bits)
      return p + __builtin_ctz((unsigned)bits);
    p += 16;
  }
#endif
  while (end - p >= 8) {
    memcpy(&w, p, 8); /* unaligned-safe; compiles to one load */
    m = specials(w);
    if (m) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
      return p + (__builtin_ctzll(m) >> 3);
#else
      break; /* the byte loop below finds it within these 8 */
#endif
    }
    p += 8;
  }
  while (p < end && !special((unsigned char)*p))
    p++;
  return p;
}

/* p is at a backslash inside the string opened at `open`. */
static const char *escape(struct sc *s, const char *p, const char *open) {
  int i;

  if (s->end - p < 2)
    return fail(s, open, "unterminated string");
  switch (p[1]) {
  case '"':
  case '\\':
  case '/':
  case 'b':
  case 'f':
  case 'n':
  case 'r':
  case 't':
    return p + 2;
  case 'u':
    for (i = 2; i < 6; i++) {
      if (p + i >= s->end)
        return fail(s, open, "unterminated string");
      if (!ishex((unsigned char)p[i]))
        return fail(s, p, "invalid \\u escape");
    }
    return p + 6;
  default:
    return fail(s, p, "invalid escape");
  }
}

/* p is just past an opening quote; returns the byte past the closing one. */
static ALWAYS_INLINE const char *string(struct sc *s, const char *p, int *escaped) {
  const char *open = p - 1;

  *escaped = 0;
  for (;;) {
    p = find_special(p, s->end);
    if (p == s->end)
      return fail(s, open, "unterminated string");
    if (*p == '"')
      return p + 1;
    if (*p != '\\')
      return fail(s, p, "control character in string");
    *escaped = 1;
    p = escape(s, p, open);
    if (!p)
      return NULL;
  }
}

/* ---- scalars ----------------------------------------------------------- */

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static const char *number(struct sc *s, const char *p) {
  const char *end = s->end;

  if (*p == '-' && (++p == end || !isdig((unsigned char)*p)))
    return fail(s, p, "digit expected after '-'");
  if (*p == '0') {
    if (++p < end && isdig((unsigned char)*p))
      return fail(s, p - 1, "leading zero in number");
  } else {
    while (p < end && isdig((unsigned char)*p))
      p++;
  }
  if (p < end && *p == '.') {
    if (++p == end || !isdig((unsigned char)*p))
      return fail(s, p, "digit expected after '.'");
    while (p < end && isdig((unsigned char)*p))
      p++;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    if (++p < end && (*p == '+' || *p == '-'))
      p++;
    if (p == end || !isdig((unsigned char)*p))
      return fail(s, p, "digit expected in exponent");
    while (p < end && isdig((unsigned char)*p))
      p++;
  }
  return p;
}

static const char *literal(struct sc *s, const char *p, const char *word, size_t n) {
  if ((size_t)(s->end - p) < n || memcmp(p, word, n) != 0)
    return fail(s, p, "invalid literal");
  return p + n;
}

/* Any value but an object or array, starting at p (< end). */
static const char *scalar(struct sc *s, const char *p, vigil_jval_t *v) {
  const char *q;

  switch (*p) {
  case '"':
    q = string(s, p + 1, &v->escaped);
    v->type = VIGIL_J_STRING;
    v->p = p + 1;
    v->len = q ? (size_t)(q - p - 2) : 0;
    return q;
  case 't':
    v->type = VIGIL_J_TRUE;
    q = literal(s, p, "true", 4);
    break;
  case 'f':
    v->type = VIGIL_J_FALSE;
    q = literal(s, p, "false", 5);
    break;
  case 'n':
    v->type = VIGIL_J_NULL;
    q = literal(s, p, "null", 4);
    break;
  case '-':
  case '0':
  case '1':
  case '2':
  case '3':
  case '4':
  case '5':
  case '6':
  case '7':
  case '8':
  case '9':
    v->type = VIGIL_J_NUMBER;
    q = number(s, p);
    break;
  default:
    return fail(s, p, "expected a value");
  }
  v->escaped = 0;
  v->p = p;
  v->len = q ? (size_t)(q - p) : 0;
  return q;
}

/* ---- containers -------------------------------------------------------- */

static const char *unterminated(struct sc *s, int isobj) {
  return fail(s, s->end, isobj ? "unterminated object" : "unterminated array");
}

/*
 * Skips the object or array opening at p, with `depth` containers already
 * open around it; returns the byte past its closing bracket.
 *
 * One function with labels for its states (open a container, read an
 * element, after an element, close) rather than a recursive descent: the
 * input decides how deep nesting goes, so the only stack used is
 * isobj[], bounded by VIGIL_SCAN_MAX_DEPTH.
 */
static const char *container(struct sc *s, const char *p, unsigned depth) {
  unsigned char isobj[VIGIL_SCAN_MAX_DEPTH];
  const unsigned outer = depth;
  const char *end = s->end;
  vigil_jval_t v;
  int esc;

open: /* p is at '{' or '[' */
  if (depth >= VIGIL_SCAN_MAX_DEPTH)
    return fail(s, p, "nesting too deep");
  isobj[depth++] = (*p == '{');
  p = ws(p + 1, end);
  if (p == end)
    return unterminated(s, isobj[depth - 1]);
  if (*p == (isobj[depth - 1] ? '}' : ']')) {
    p++;
    goto closed;
  }

element: /* p is at the first byte of a member or element (< end) */
  if (isobj[depth - 1]) {
    if (*p != '"')
      return fail(s, p, "expected a member name");
    p = string(s, p + 1, &esc);
    if (!p)
      return NULL;
    p = ws(p, end);
    if (p == end)
      return unterminated(s, 1);
    if (*p != ':')
      return fail(s, p, "expected ':'");
    p = ws(p + 1, end);
    if (p == end)
      return unterminated(s, 1);
  }
  if (*p == '{' || *p == '[')
    goto open;
  if (*p == '"') /* most values: the string loop inlined, not scalar()'s call */
    p = string(s, p + 1, &esc);
  else
    p = scalar(s, p, &v);
  if (!p)
    return NULL;

after: /* a value just ended at p */
  p = ws(p, end);
  if (p == end)
    return unterminated(s, isobj[depth - 1]);
  if (*p == ',') {
    p = ws(p + 1, end);
    if (p == end)
      return unterminated(s, isobj[depth - 1]);
    if (*p == (isobj[depth - 1] ? '}' : ']'))
      return fail(s, p, "trailing comma");
    goto element;
  }
  if (*p != (isobj[depth - 1] ? '}' : ']'))
    return fail(s, p, isobj[depth - 1] ? "expected ',' or '}'" : "expected ',' or ']'");
  p++;

closed:
  if (--depth == outer)
    return p;
  goto after;
}

/* One value of any type at p (< end), with `depth` containers around it. */
static const char *value(struct sc *s, const char *p, unsigned depth, vigil_jval_t *v) {
  const char *q;

  if (*p != '{' && *p != '[')
    return scalar(s, p, v);
  q = container(s, p, depth);
  v->type = *p == '{' ? VIGIL_J_OBJECT : VIGIL_J_ARRAY;
  v->escaped = 0;
  v->p = p;
  v->len = q ? (size_t)(q - p) : 0;
  return q;
}

/* ---- top level --------------------------------------------------------- */

int vigil_scan_value(const char *buf, size_t len, vigil_jval_t *out, vigil_scan_err_t *err) {
  struct sc s = {buf + len, NULL, NULL};
  vigil_jval_t v;
  const char *p = ws(buf, s.end);

  if (p == s.end) {
    fail(&s, p, "empty input");
    goto bad;
  }
  p = value(&s, p, 0, &v);
  if (!p)
    goto bad;
  p = ws(p, s.end);
  if (p != s.end) {
    fail(&s, p, "trailing characters");
    goto bad;
  }
  if (out)
    *out = v;
  return 0;

bad:
  if (out)
    memset(out, 0, sizeof *out);
  return report(&s, buf, err);
}

#define FAST_KEYS VIGIL_SCAN_FAST_KEYS

typedef vigil_scan_keys_t keyset_t;

/* Which of ks->first's 64 chains a name of n bytes is filed in: a hash of
 * its first and last 8 bytes (of its first, middle and last byte when
 * shorter), so that eventName, eventType and errorCode, all 9 bytes long
 * and starting with 'e', are not walked past one another. */
static ALWAYS_INLINE unsigned chain_of(const char *name, size_t n, uint64_t *head,
                                       uint64_t *tail) {
  uint64_t h;

  if (n >= 8) {
    memcpy(head, name, 8);
    memcpy(tail, name + n - 8, 8);
    h = *head ^ (*tail >> 1);
  } else {
    h = n ? (uint64_t)(unsigned char)name[0] | (uint64_t)(unsigned char)name[n - 1] << 8 |
                (uint64_t)(unsigned char)name[n >> 1] << 16
          : 0;
  }
  return (unsigned)(((h ^ n) * UINT64_C(0x9e3779b97f4a7c15)) >> 58);
}

void vigil_scan_keys_init(vigil_scan_keys_t *ks, const char *const *keys, size_t nkeys) {
  unsigned b;
  size_t i;

  ks->keys = keys;
  ks->n = nkeys;
  memset(ks->first, 0, sizeof(ks->first));
  for (i = nkeys < FAST_KEYS ? nkeys : FAST_KEYS; i-- > 0;) {
    ks->klen[i] = strlen(keys[i]);
    ks->head[i] = ks->tail[i] = 0;
    b = chain_of(keys[i], ks->klen[i], &ks->head[i], &ks->tail[i]);
    ks->next[i] = ks->first[b];
    ks->first[b] = (unsigned char)(i + 1);
  }
}

/* Stores v in every slot whose key is the (unescaped) name[0..n). */
static ALWAYS_INLINE void match(const keyset_t *ks, const char *name, size_t n,
                                const vigil_jval_t *v, vigil_jval_t *vals) {
  uint64_t head = 0;
  uint64_t tail = 0;
  size_t i;

  i = ks->first[chain_of(name, n, &head, &tail)];
  if (n >= 8) {
    for (; i; i = ks->next[i - 1]) {
      if (ks->klen[i - 1] == n && ks->head[i - 1] == head && ks->tail[i - 1] == tail &&
          (n <= 16 || memcmp(ks->keys[i - 1] + 8, name + 8, n - 16) == 0))
        vals[i - 1] = *v;
    }
  } else {
    for (; i; i = ks->next[i - 1]) {
      if (ks->klen[i - 1] == n && memcmp(ks->keys[i - 1], name, n) == 0)
        vals[i - 1] = *v;
    }
  }
  for (i = FAST_KEYS; i < ks->n; i++) {
    if (strlen(ks->keys[i]) == n && memcmp(ks->keys[i], name, n) == 0)
      vals[i] = *v;
  }
}

/* match() for a member name as cJSON reads it: an escaped name decoded and
 * cut at a NUL ("user\u0041gent" is userAgent). Names of 256 bytes and
 * more once decoded are longer than any key this is used with. */
static ALWAYS_INLINE void match_name(const keyset_t *ks, const char *name, size_t n, int esc,
                              const vigil_jval_t *v, vigil_jval_t *vals) {
  vigil_jval_t raw = {VIGIL_J_STRING, 1, name, n};
  char buf[256];
  const char *nul;
  size_t len;

  if (!esc) {
    match(ks, name, n, v, vals);
    return;
  }
  len = vigil_jval_str(&raw, buf, sizeof(buf));
  if (len >= sizeof(buf))
    return;
  nul = memchr(buf, '\0', len);
  match(ks, buf, nul ? (size_t)(nul - buf) : len, v, vals);
}

/* Notes one member in *all while there is room (all->complete says
 * whether every member fit). */
static inline void keep_member(vigil_scan_members_t *all, const char *name, size_t nlen, int esc,
                               const vigil_jval_t *v) {
  vigil_scan_member_t *m;

  if (all->n == all->cap) {
    all->complete = 0;
    return;
  }
  m = &all->m[all->n++];
  m->name.type = VIGIL_J_STRING;
  m->name.escaped = esc;
  m->name.p = name;
  m->name.len = nlen;
  m->val = *v;
}

/* is_nest() for a name with escapes: decoded and cut at a NUL, as
 * match_name() compares it. */
static int is_nest_escaped(const vigil_scan_nest_t *nest, const char *name, size_t n) {
  vigil_jval_t raw = {VIGIL_J_STRING, 1, name, n};
  char buf[256];
  const char *nul;
  size_t len = vigil_jval_str(&raw, buf, sizeof(buf));

  if (len >= sizeof(buf))
    return 0;
  if ((nul = memchr(buf, '\0', len)))
    len = (size_t)(nul - buf);
  return len == nest->nlen && memcmp(buf, nest->name, len) == 0;
}

/* Whether the member name[0..n) (esc: it holds escapes) is nest's, as
 * match_name() matches it, so the object read for nest is the one the
 * top-level key gets. Asked of every member of every record: inlined. */
static ALWAYS_INLINE int is_nest(const vigil_scan_nest_t *nest, const char *name, size_t n,
                                 int esc) {
  if (esc)
    return is_nest_escaped(nest, name, n);
  return n == nest->nlen && memcmp(name, nest->name, n) == 0;
}

static const char *members_call(struct sc *s, const char *p, const keyset_t *ks,
                                vigil_jval_t *vals, vigil_scan_members_t *all, unsigned depth,
                                const vigil_scan_nest_t *nest);

/* Clears what nest reads: its keys' values, and its object's members. */
static void nest_clear(const vigil_scan_nest_t *nest) {
  if (nest->nkeys)
    memset(nest->vals, 0, nest->nkeys * sizeof *nest->vals);
  if (nest->all) {
    nest->all->n = 0;
    nest->all->complete = 0;
  }
}

/* The value of member nest->name at p: an object is read member by member
 * for nest's keys as it is checked (the last such member's values win,
 * as for top-level keys), its members noted in nest->all; anything else
 * clears them. */
static const char *nest_value(struct sc *s, const char *p, unsigned depth,
                              const vigil_scan_nest_t *nest, vigil_jval_t *v) {
  keyset_t own;
  const keyset_t *ks = nest->ks;
  const char *q;

  nest_clear(nest);
  if (*p != '{')
    return value(s, p, depth, v);
  if (!ks) {
    vigil_scan_keys_init(&own, nest->keys, nest->nkeys);
    ks = &own;
  }
  if (nest->all)
    nest->all->complete = 1;
  q = members_call(s, p, ks, nest->vals, nest->all, depth + 1, NULL);
  if (!q)
    nest_clear(nest);
  *v = (vigil_jval_t){VIGIL_J_OBJECT, 0, p, q ? (size_t)(q - p) : 0};
  return q;
}

/* Members of the object whose '{' is at p, its values `depth` deep;
 * returns past its '}'. Inlined into its two callers (the record's own
 * members, nest's), so the key matching in it is inlined too. */
static ALWAYS_INLINE const char *members(struct sc *s, const char *p, const keyset_t *ks,
                                         vigil_jval_t *vals, vigil_scan_members_t *all,
                                         unsigned depth, const vigil_scan_nest_t *nest) {
  const char *end = s->end;
  const char *name;
  vigil_jval_t v;
  size_t nlen;
  int esc;

  p = ws(p + 1, end);
  if (p < end && *p == '}')
    return p + 1;
  for (;;) {
    if (p == end)
      return unterminated(s, 1);
    if (*p != '"')
      return fail(s, p, "expected a member name");
    name = p + 1;
    p = string(s, name, &esc);
    if (!p)
      return NULL;
    nlen = (size_t)(p - 1 - name);
    p = ws(p, end);
    if (p == end)
      return unterminated(s, 1);
    if (*p != ':')
      return fail(s, p, "expected ':'");
    p = ws(p + 1, end);
    if (p == end)
      return unterminated(s, 1);
    if (nest && is_nest(nest, name, nlen, esc)) {
      p = nest_value(s, p, depth, nest, &v);
    } else if (*p == '"') { /* as scalar() reads it, without its call */
      v.type = VIGIL_J_STRING;
      v.p = p + 1;
      p = string(s, p + 1, &v.escaped);
      v.len = p ? (size_t)(p - v.p - 1) : 0;
    } else {
      p = value(s, p, depth, &v);
    }
    if (p)
      match_name(ks, name, nlen, esc, &v, vals);
    if (p && all)
      keep_member(all, name, nlen, esc, &v);
    if (!p)
      return NULL;
    p = ws(p, end);
    if (p == end)
      return unterminated(s, 1);
    if (*p == '}')
      return p + 1;
    if (*p != ',')
      return fail(s, p, "expected ',' or '}'");
    p = ws(p + 1, end);
    if (p < end && *p == '}')
      return fail(s, p, "trailing comma");
  }
}

/* members() as a call, for nest's object and an array's records: the
 * record's own pass (vigil_scan_object_keys) keeps the one other inlined
 * copy, which is what its speed depends on. */
static const char *members_call(struct sc *s, const char *p, const keyset_t *ks,
                                vigil_jval_t *vals, vigil_scan_members_t *all, unsigned depth,
                                const vigil_scan_nest_t *nest) {
  return members(s, p, ks, vals, all, depth, nest);
}

int vigil_scan_object(const char *buf, size_t len, const char *const *keys, size_t nkeys,
                      vigil_jval_t *vals, vigil_scan_err_t *err) {
  return vigil_scan_object_nest(buf, len, keys, nkeys, vals, NULL, NULL, err);
}

int vigil_scan_object_all(const char *buf, size_t len, const char *const *keys, size_t nkeys,
                          vigil_jval_t *vals, vigil_scan_members_t *all, vigil_scan_err_t *err) {
  return vigil_scan_object_nest(buf, len, keys, nkeys, vals, all, NULL, err);
}

int vigil_scan_object_nest(const char *buf, size_t len, const char *const *keys, size_t nkeys,
                           vigil_jval_t *vals, vigil_scan_members_t *all,
                           const vigil_scan_nest_t *nest, vigil_scan_err_t *err) {
  keyset_t ks;

  vigil_scan_keys_init(&ks, keys, nkeys);
  return vigil_scan_object_keys(buf, len, &ks, vals, all, nest, err);
}

int vigil_scan_object_keys(const char *buf, size_t len, const vigil_scan_keys_t *ks,
                           vigil_jval_t *vals, vigil_scan_members_t *all,
                           const vigil_scan_nest_t *nest, vigil_scan_err_t *err) {
  struct sc s = {buf + len, NULL, NULL};
  const char *p = ws(buf, s.end);
  size_t nkeys = ks->n;

  if (nkeys)
    memset(vals, 0, nkeys * sizeof *vals);

  if (p == s.end || *p != '{') {
    /* Say what is wrong with invalid text; "not an object" only for valid. */
    if (vigil_scan_value(buf, len, NULL, err) == 0) {
      fail(&s, p, "not an object");
      return report(&s, buf, err);
    }
    return -1;
  }
  if (all) {
    all->n = 0;
    all->complete = 1;
  }
  if (nest)
    nest_clear(nest);
  p = members(&s, p, ks, vals, all, 1, nest);
  if (p) {
    p = ws(p, s.end);
    if (p == s.end)
      return 0;
    fail(&s, p, "trailing characters");
  }
  if (nkeys)
    memset(vals, 0, nkeys * sizeof *vals); /* no half results on failure */
  if (nest)
    nest_clear(nest);
  if (all)
    all->n = 0;
  return report(&s, buf, err);
}

/* ---- arrays ------------------------------------------------------------ */

void vigil_scan_array_begin(vigil_scan_iter_t *it, const vigil_jval_t *arr) {
  static const char none[1] = "";

  if (arr->type != VIGIL_J_ARRAY || !arr->p || arr->len == 0 || arr->p[0] != '[') {
    it->base = it->p = it->end = none; /* next() reports "not an array" */
  } else {
    it->base = it->p = arr->p;
    it->end = arr->p + arr->len;
  }
  it->index = 0;
}

/*
 * The iterator checks every byte it steps over, so it is also safe on an
 * array value that was never validated. On failure it keeps its position:
 * calling next() again reports the same error. it->p == NULL means done.
 */
/* Where an iterator's next entry starts (*pp; 1), or the end of its
 * container (0, the iterator done), or a failure (-1, s filled): the
 * commas, the brackets and what may follow them, for arrays and objects. */
static int next_entry(struct sc *s, vigil_scan_iter_t *it, int isobj, const char **pp) {
  const char open = isobj ? '{' : '[';
  const char close = isobj ? '}' : ']';
  const char *p = it->p;

  if (it->index == 0) {
    if (p == s->end || *p != open) {
      fail(s, p, isobj ? "not an object" : "not an array");
      return -1;
    }
    p = ws(p + 1, s->end);
    if (p < s->end && *p == close)
      goto done;
  } else {
    p = ws(p, s->end);
    if (p == s->end) {
      unterminated(s, isobj);
      return -1;
    }
    if (*p == close)
      goto done;
    if (*p != ',') {
      fail(s, p, isobj ? "expected ',' or '}'" : "expected ',' or ']'");
      return -1;
    }
    p = ws(p + 1, s->end);
    if (p < s->end && *p == close) {
      fail(s, p, "trailing comma");
      return -1;
    }
  }
  if (p == s->end) {
    unterminated(s, isobj);
    return -1;
  }
  *pp = p;
  return 1;

done:
  p = ws(p + 1, s->end); /* a hand-made value may run past its bracket */
  if (p != s->end) {
    fail(s, p, "trailing characters");
    return -1;
  }
  it->p = NULL;
  return 0;
}

int vigil_scan_array_next(vigil_scan_iter_t *it, vigil_jval_t *elem, vigil_scan_err_t *err) {
  struct sc s = {it->end, NULL, NULL};
  const char *p;
  int rc;

  if (!it->p)
    return 0;
  if ((rc = next_entry(&s, it, 0, &p)) <= 0)
    return rc == 0 ? 0 : report(&s, it->base, err);
  if (!(p = value(&s, p, 1, elem)))
    return report(&s, it->base, err);
  it->p = p;
  it->index++;
  return 1;
}

int vigil_scan_array_next_record(vigil_scan_iter_t *it, const vigil_scan_keys_t *ks,
                                 vigil_jval_t *vals, vigil_scan_members_t *all,
                                 const vigil_scan_nest_t *nest, vigil_jval_t *elem,
                                 vigil_scan_err_t *err) {
  struct sc s = {it->end, NULL, NULL};
  const char *p;
  const char *q;
  int rc;

  if (ks->n)
    memset(vals, 0, ks->n * sizeof *vals);
  if (nest)
    nest_clear(nest);
  if (all) {
    all->n = 0;
    all->complete = 1;
  }
  if (!it->p)
    return 0;
  if ((rc = next_entry(&s, it, 0, &p)) <= 0)
    return rc == 0 ? 0 : report(&s, it->base, err);
  if (*p != '{') {
    q = value(&s, p, 1, elem);
  } else { /* checked and read in one pass, as vigil_scan_object_keys reads it */
    q = members_call(&s, p, ks, vals, all, 2, nest);
    *elem = (vigil_jval_t){VIGIL_J_OBJECT, 0, p, q ? (size_t)(q - p) : 0};
  }
  if (!q) {
    if (ks->n)
      memset(vals, 0, ks->n * sizeof *vals);
    if (nest)
      nest_clear(nest);
    if (all)
      all->n = 0;
    return report(&s, it->base, err);
  }
  it->p = q;
  it->index++;
  return 1;
}

/* ---- validated text, read again without checking it -------------------- */

/* Past the closing quote of the string whose text starts at p. */
static const char *skim_string(const char *p, const char *end, int *esc) {
  *esc = 0;
  for (;;) {
    p = find_special(p, end);
    if (p >= end)
      return end;
    if (*p == '"')
      return p + 1;
    *esc = 1; /* a backslash: what follows it is never the closing quote */
    p += 2;
  }
}

/* Past the value at p, with v filled as value() fills it. */
static const char *skim_value(const char *p, const char *end, vigil_jval_t *v) {
  const char *q = p;
  int depth = 0;
  int esc;

  v->escaped = 0;
  v->p = p;
  if (*p == '"') {
    q = skim_string(p + 1, end, &v->escaped);
    v->type = VIGIL_J_STRING;
    v->p = p + 1;
    v->len = (size_t)(q - p - 2);
    return q;
  }
  if (*p == '{' || *p == '[') {
    v->type = *p == '{' ? VIGIL_J_OBJECT : VIGIL_J_ARRAY;
    for (; q < end; q++) {
      if (*q == '"')
        q = skim_string(q + 1, end, &esc) - 1;
      else if (*q == '{' || *q == '[')
        depth++;
      else if ((*q == '}' || *q == ']') && --depth == 0)
        break;
    }
    q = q < end ? q + 1 : end;
    v->len = (size_t)(q - p);
    return q;
  }
  while (q < end && *q != ',' && *q != '}' && *q != ']' && *q != ' ' && *q != '\n' &&
         *q != '\r' && *q != '\t')
    q++;
  v->type = *p == 't' ? VIGIL_J_TRUE : *p == 'f' ? VIGIL_J_FALSE : *p == 'n' ? VIGIL_J_NULL
                                                                           : VIGIL_J_NUMBER;
  v->len = (size_t)(q - p);
  return q;
}

int vigil_scan_object_valid(const char *buf, size_t len, const char *const *keys, size_t nkeys,
                            vigil_jval_t *vals) {
  keyset_t ks;

  vigil_scan_keys_init(&ks, keys, nkeys);
  return vigil_scan_object_valid_keys(buf, len, &ks, vals);
}

int vigil_scan_object_valid_keys(const char *buf, size_t len, const vigil_scan_keys_t *ks,
                                 vigil_jval_t *vals) {
  const char *end = buf + len;
  const char *p = ws(buf, end);
  const char *name;
  vigil_jval_t v;
  size_t i;
  int esc;

  if (ks->n)
    memset(vals, 0, ks->n * sizeof *vals);
  if (p == end || *p != '{')
    return -1;
  p = ws(p + 1, end);
  while (p < end && *p == '"') {
    name = p + 1;
    p = skim_string(name, end, &esc);
    if (p == end) /* no closing quote: not text the scanner accepted */
      break;
    i = (size_t)(p - 1 - name);
    p = ws(p, end);
    if (p == end || *p != ':')
      break;
    p = ws(p + 1, end);
    if (p == end)
      break;
    p = skim_value(p, end, &v);
    match_name(ks, name, i, esc, &v, vals);
    p = ws(p, end);
    if (p == end || *p != ',')
      break;
    p = ws(p + 1, end);
  }
  return 0;
}

/* ---- objects, member by member ---------------------------------------- */

void vigil_scan_members_begin(vigil_scan_iter_t *it, const vigil_jval_t *obj) {
  static const char none[1] = "";

  if (obj->type != VIGIL_J_OBJECT || !obj->p || obj->len == 0 || obj->p[0] != '{') {
    it->base = it->p = it->end = none; /* next() reports "not an object" */
  } else {
    it->base = it->p = obj->p;
    it->end = obj->p + obj->len;
  }
  it->index = 0;
}

/* As vigil_scan_array_next, with a name before each value. */
int vigil_scan_members_next(vigil_scan_iter_t *it, vigil_jval_t *name, vigil_jval_t *val,
                            vigil_scan_err_t *err) {
  struct sc s = {it->end, NULL, NULL};
  const char *p;
  const char *q;
  int rc;

  if (!it->p)
    return 0;
  if ((rc = next_entry(&s, it, 1, &p)) <= 0)
    return rc == 0 ? 0 : report(&s, it->base, err);
  if (*p != '"') {
    fail(&s, p, "expected a member name");
    return report(&s, it->base, err);
  }
  name->type = VIGIL_J_STRING;
  name->p = p + 1;
  if (!(q = string(&s, p + 1, &name->escaped)))
    return report(&s, it->base, err);
  name->len = (size_t)(q - 1 - name->p);
  p = ws(q, s.end);
  if (p == s.end || *p != ':') {
    if (p == s.end)
      unterminated(&s, 1);
    else
      fail(&s, p, "expected ':'");
    return report(&s, it->base, err);
  }
  p = ws(p + 1, s.end);
  if (p == s.end) {
    unterminated(&s, 1);
    return report(&s, it->base, err);
  }
  if (!(p = value(&s, p, 1, val)))
    return report(&s, it->base, err);
  it->p = p;
  it->index++;
  return 1;
}
