#include "lua_pattern.h"

#include <ctype.h>
#include <string.h>

#define MAX_CAPTURES 32
#define MAX_DEPTH 200   /* Lua refuses deeper patterns as "too complex" */
#define CAP_OPEN (-1)
#define CAP_POSITION (-2)

typedef struct walk_s {
  const char *s0;       /* the subject */
  const char *s_end;
  const char *p_end;
  int ncap;
  struct {
    const char *at;
    ptrdiff_t len;
  } cap[MAX_CAPTURES];
  int depth;
  int stop;             /* over the limit, or a malformed pattern */
  int64_t steps;
  int64_t limit;
} walk_t;

static int step(walk_t *w, int64_t n) {
  w->steps += n;
  if (w->steps > w->limit)
    w->stop = 1;
  return !w->stop;
}

/* The end of the one-character class starting at p. */
static const char *class_end(walk_t *w, const char *p) {
  if (*p == '%') {
    if (p + 1 >= w->p_end) {
      w->stop = 1;
      return w->p_end;
    }
    return p + 2;
  }
  if (*p == '[') {
    p++;
    if (p < w->p_end && *p == '^')
      p++;
    do { /* the first character is a member even when it is ']' */
      if (p >= w->p_end) {
        w->stop = 1;
        return w->p_end;
      }
      if (*p++ == '%' && p < w->p_end)
        p++;
    } while (p >= w->p_end || *p != ']');
    return p + 1;
  }
  return p + 1;
}

static int in_class(unsigned char c, unsigned char cl) {
  int r;

  switch (tolower(cl)) {
  case 'a': r = isalpha(c); break;
  case 'c': r = iscntrl(c); break;
  case 'd': r = isdigit(c); break;
  case 'g': r = isgraph(c); break;
  case 'l': r = islower(c); break;
  case 'p': r = ispunct(c); break;
  case 's': r = isspace(c); break;
  case 'u': r = isupper(c); break;
  case 'w': r = isalnum(c); break;
  case 'x': r = isxdigit(c); break;
  default: return cl == c;
  }
  return isupper(cl) ? !r : r != 0;
}

/* c against the set [ ... ] from p (at '[') to last (at ']'). */
static int in_set(unsigned char c, const char *p, const char *last) {
  int yes = 1;

  p++;
  if (*p == '^') {
    yes = 0;
    p++;
  }
  while (p < last) {
    if (*p == '%' && p + 1 < last) {
      if (in_class(c, (unsigned char)p[1]))
        return yes;
      p += 2;
    } else if (p + 2 < last && p[1] == '-') {
      if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2])
        return yes;
      p += 3;
    } else {
      if ((unsigned char)*p == c)
        return yes;
      p++;
    }
  }
  return !yes;
}

static int one(const walk_t *w, const char *s, const char *p, const char *ep) {
  unsigned char c;

  if (s >= w->s_end)
    return 0;
  c = (unsigned char)*s;
  switch (*p) {
  case '.': return 1;
  case '%': return in_class(c, (unsigned char)p[1]);
  case '[': return in_set(c, p, ep - 1);
  default: return (unsigned char)*p == c;
  }
}

static const char *walk(walk_t *w, const char *s, const char *p);

static const char *greedy(walk_t *w, const char *s, const char *p, const char *ep) {
  ptrdiff_t i = 0;
  const char *r;

  while (one(w, s + i, p, ep))
    i++;
  if (!step(w, i))
    return NULL;
  for (; i >= 0 && !w->stop; i--) {
    if ((r = walk(w, s + i, ep + 1)))
      return r;
  }
  return NULL;
}

static const char *lazy(walk_t *w, const char *s, const char *p, const char *ep) {
  const char *r;

  while (!w->stop) {
    if ((r = walk(w, s, ep + 1)))
      return r;
    if (!one(w, s, p, ep) || !step(w, 1))
      return NULL;
    s++;
  }
  return NULL;
}

static const char *open_capture(walk_t *w, const char *s, const char *p, ptrdiff_t what) {
  const char *r;

  if (w->ncap >= MAX_CAPTURES) {
    w->stop = 1;
    return NULL;
  }
  w->cap[w->ncap].at = s;
  w->cap[w->ncap].len = what;
  w->ncap++;
  if (!(r = walk(w, s, p)))
    w->ncap--;
  return r;
}

static const char *close_capture(walk_t *w, const char *s, const char *p) {
  const char *r;
  int l;

  for (l = w->ncap - 1; l >= 0 && w->cap[l].len != CAP_OPEN; l--)
    ;
  if (l < 0) {
    w->stop = 1;
    return NULL;
  }
  w->cap[l].len = s - w->cap[l].at;
  if (!(r = walk(w, s, p)))
    w->cap[l].len = CAP_OPEN;
  return r;
}

/* %bxy, p pointing at x: a balanced run starting at s. */
static const char *balanced(walk_t *w, const char *s, const char *p) {
  int depth = 1;

  if (p + 1 >= w->p_end) {
    w->stop = 1;
    return NULL;
  }
  if (s >= w->s_end || *s != *p)
    return NULL;
  while (++s < w->s_end && step(w, 1)) {
    if (*s == p[1]) {
      if (--depth == 0)
        return s + 1;
    } else if (*s == *p) {
      depth++;
    }
  }
  return NULL;
}

/* %1 .. %9 at p: the text of an earlier capture again. */
static const char *backref(walk_t *w, const char *s, const char *p) {
  int l = p[1] - '1';
  size_t len;

  if (l < 0 || l >= w->ncap || w->cap[l].len == CAP_OPEN) {
    w->stop = 1;
    return NULL;
  }
  len = w->cap[l].len == CAP_POSITION ? 0 : (size_t)w->cap[l].len;
  if (!step(w, (int64_t)len) || (size_t)(w->s_end - s) < len ||
      memcmp(w->cap[l].at, s, len) != 0)
    return NULL;
  return s + len;
}

/* %f[set] at p: true at a frontier, where the set starts to match. */
static const char *frontier(walk_t *w, const char *s, const char *p) {
  const char *ep;
  char prev = s == w->s0 ? '\0' : s[-1];

  if (*p != '[') {
    w->stop = 1;
    return NULL;
  }
  ep = class_end(w, p);
  if (w->stop || in_set((unsigned char)prev, p, ep - 1) ||
      !in_set(s < w->s_end ? (unsigned char)*s : 0, p, ep - 1))
    return NULL;
  return ep;
}

/* The pattern from p against s: where the whole match ends, or NULL. It
 * recurses where Lua's matcher does (captures, quantifiers) and loops over
 * plain items, so its depth follows Lua's. */
static const char *walk(walk_t *w, const char *s, const char *p) {
  const char *r = NULL;
  const char *ep;

  if (w->stop)
    return NULL;
  if (++w->depth > MAX_DEPTH) {
    /* Lua refuses this too; count it as over, never as cheap. */
    w->steps = w->limit + 1;
    w->stop = 1;
  }
  while (step(w, 1)) {
    if (p == w->p_end) {
      r = s;
    } else if (*p == '(') {
      r = p + 1 < w->p_end && p[1] == ')' ? open_capture(w, s, p + 2, CAP_POSITION)
                                           : open_capture(w, s, p + 1, CAP_OPEN);
    } else if (*p == ')') {
      r = close_capture(w, s, p + 1);
    } else if (*p == '$' && p + 1 == w->p_end) {
      r = s == w->s_end ? s : NULL;
    } else if (*p == '%' && p[1] == 'b') {
      if ((s = balanced(w, s, p + 2))) {
        p += 4;
        continue;
      }
    } else if (*p == '%' && p[1] == 'f') {
      if ((ep = frontier(w, s, p + 2))) {
        p = ep;
        continue;
      }
    } else if (*p == '%' && isdigit((unsigned char)p[1])) {
      if ((s = backref(w, s, p))) {
        p += 2;
        continue;
      }
    } else {
      ep = class_end(w, p);
      if (w->stop)
        break;
      if (!one(w, s, p, ep)) {
        if (*ep == '*' || *ep == '?' || *ep == '-') {
          p = ep + 1;
          continue;
        }
      } else if (*ep == '?') {
        if (!(r = walk(w, s + 1, ep + 1))) {
          p = ep + 1;
          continue;
        }
      } else if (*ep == '+' || *ep == '*') {
        r = greedy(w, *ep == '+' ? s + 1 : s, p, ep);
      } else if (*ep == '-') {
        r = lazy(w, s, p, ep);
      } else {
        s++;
        p = ep;
        continue;
      }
    }
    break;
  }
  w->depth--;
  return w->stop ? NULL : r;
}

int64_t vigil_pattern_cost(const char *s, size_t ls, const char *p, size_t lp, size_t init,
                           int all, int64_t limit) {
  walk_t w;
  const char *at = s + (init < ls ? init : ls);
  const char *last = NULL;
  const char *e;
  /* gmatch (all 2) reads a leading '^' as a plain character. */
  int anchor = all != 2 && lp > 0 && *p == '^';

  memset(&w, 0, sizeof(w));
  w.s0 = s;
  w.s_end = s + ls;
  w.p_end = p + lp;
  w.limit = limit;
  if (anchor)
    p++;
  for (;;) {
    w.ncap = 0;
    w.depth = 0;
    e = walk(&w, at, p);
    if (w.stop)
      break;
    if (e && !all)
      break;
    if (e && e != last) {
      at = last = e; /* the next search starts where this match ended */
    } else if (at < w.s_end) {
      at++;
    } else {
      break;
    }
    if (anchor)
      break;
  }
  return w.steps;
}

/* The index just past the set [ ... ] starting at p[i] == '[', as Lua's
 * class_end reads it, or -1 when it is not closed. */
static ptrdiff_t set_end(const char *p, size_t lp, size_t i) {
  i++;
  if (i < lp && p[i] == '^')
    i++;
  do { /* the first character is a member even when it is ']' */
    if (i >= lp)
      return -1;
    if (p[i++] == '%' && i < lp)
      i++;
  } while (i >= lp || p[i] != ']');
  return (ptrdiff_t)i + 1;
}

/* Whether the item p[i] .. p[e - 1] (one character class) matches c. */
static int item_has(const char *p, size_t i, size_t e, unsigned char c) {
  switch (p[i]) {
  case '.': return 1;
  case '%': return in_class(c, (unsigned char)p[i + 1]);
  case '[': return in_set(c, p + i, p + e - 1);
  default: return (unsigned char)p[i] == c;
  }
}

/* Whether the repetition of item p[i] .. p[e - 1], whose quantifier is at
 * p[e], can only go on one way: the pattern ends after it (captures
 * aside), or '$' ends it, or a literal character the item cannot match
 * follows once (no '*', '-', '?'). Then of the lengths the repetition
 * tries, only its whole run gets past what follows, every other length
 * fails there in one step: its cost adds to the search, it does not
 * multiply it. */
static int guarded(const char *p, size_t lp, size_t i, size_t e) {
  size_t k = e + 1;
  size_t ke;
  unsigned char c;

  while (k < lp && (p[k] == '(' || p[k] == ')'))
    k++;
  if (k >= lp || (p[k] == '$' && k + 1 == lp))
    return 1;
  if (p[k] == '.' || p[k] == '[' ||
      (p[k] == '%' && (k + 1 >= lp || isalnum((unsigned char)p[k + 1]))))
    return 0;
  c = (unsigned char)(p[k] == '%' ? p[k + 1] : p[k]);
  ke = p[k] == '%' ? k + 2 : k + 1;
  if (ke < lp && (p[ke] == '*' || p[ke] == '-' || p[ke] == '?'))
    return 0;
  return !item_has(p, i, e, c);
}

/* Reads the items in the order and with the cases of Lua's match(). */
int vigil_pattern_reps(const char *p, size_t lp, int all, int *anchored, int *linear) {
  int reps = 0;
  size_t i = 0;
  ptrdiff_t e;

  *linear = 0;
  *anchored = all != 2 && lp > 0 && *p == '^';
  if (*anchored)
    i = 1;
  while (i < lp) {
    if (p[i] == '(' || p[i] == ')' || (p[i] == '$' && i + 1 == lp)) {
      i++;
      continue;
    }
    if (p[i] == '%' && i + 1 >= lp)
      return -1;
    if (p[i] == '%' && p[i + 1] == 'b') {
      if (i + 3 >= lp)
        return -1;
      reps++;
      i += 4;
      continue;
    }
    if (p[i] == '%' && p[i + 1] == 'f') {
      if (i + 2 >= lp || p[i + 2] != '[' || (e = set_end(p, lp, i + 2)) < 0)
        return -1;
      i = (size_t)e;
      continue;
    }
    if (p[i] == '%' && isdigit((unsigned char)p[i + 1])) {
      reps++;
      i += 2;
      continue;
    }
    e = p[i] == '%' ? (ptrdiff_t)i + 2 : p[i] == '[' ? set_end(p, lp, i) : (ptrdiff_t)i + 1;
    if (e < 0)
      return -1;
    if ((size_t)e < lp && (p[e] == '*' || p[e] == '+' || p[e] == '-' || p[e] == '?')) {
      if (guarded(p, lp, i, (size_t)e))
        (*linear)++;
      else
        reps++;
      e++;
    }
    i = (size_t)e;
  }
  return reps;
}

/* Rules call a handful of constant patterns on every event, so shapes are
 * kept, per thread (each worker has its own Lua state), in slots picked by
 * the pattern's address and checked against a copy of its bytes: a
 * collected string whose address a new pattern takes only misses. */
#define SHAPE_SLOTS 64
#define SHAPE_MAX 48

typedef struct shape_s {
  size_t lp; /* 0: empty slot */
  int all;
  int reps;
  int anchored;
  int linear;
  char p[SHAPE_MAX];
} shape_t;

static _Thread_local shape_t shapes[SHAPE_SLOTS];

int vigil_pattern_shape(const char *p, size_t lp, int all, int *anchored, int *linear) {
  shape_t *sh = &shapes[((uintptr_t)p >> 4 ^ lp) % SHAPE_SLOTS];

  if (sh->lp == lp && sh->all == all && lp > 0 && memcmp(sh->p, p, lp) == 0) {
    *anchored = sh->anchored;
    *linear = sh->linear;
    return sh->reps;
  }
  sh->reps = vigil_pattern_reps(p, lp, all, anchored, linear);
  sh->lp = 0;
  if (lp == 0 || lp > SHAPE_MAX)
    return sh->reps;
  memcpy(sh->p, p, lp);
  sh->lp = lp;
  sh->all = all;
  sh->anchored = *anchored;
  sh->linear = *linear;
  return sh->reps;
}
