/* Decoding, framing and checking a request body (contract in http_body.h). */
#include "http_body.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "json_check.h"

#define INFLATE_CHUNK ((size_t)64 << 10)

void vh_texts_free(vh_texts_t *t) {
  free(t->v);
  t->v = NULL;
  t->n = t->cap = 0;
}

static int add_text(vh_texts_t *t, size_t off, size_t len, uint64_t line) {
  vh_text_t *nv;
  size_t ncap;

  if (t->n == t->cap) {
    ncap = t->cap ? t->cap * 2 : 16;
    nv = realloc(t->v, ncap * sizeof(*nv));
    if (nv == NULL)
      return -1;
    t->v = nv;
    t->cap = ncap;
  }
  t->v[t->n].off = off;
  t->v[t->n].len = len;
  t->v[t->n].line = line;
  t->n++;
  return 0;
}

/* ---- gzip ----------------------------------------------------------------------------------- */

static int grow(char **buf, size_t *cap, size_t limit) {
  size_t ncap = *cap ? *cap * 2 : INFLATE_CHUNK;
  char *nb;

  /* One byte past the limit is room enough to tell "too large". */
  if (ncap > limit + 1)
    ncap = limit + 1;
  nb = realloc(*buf, ncap);
  if (nb == NULL)
    return -1;
  *buf = nb;
  *cap = ncap;
  return 0;
}

int vh_gunzip(const char *in, size_t n, size_t limit, char **out, size_t *outlen, char *err,
              size_t errlen) {
  z_stream zs;
  char *buf = NULL;
  size_t cap = 0, used = 0;
  int zrc = Z_OK, rc = VH_BODY_BAD;

  memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
    snprintf(err, errlen, "cannot start zlib");
    return VH_BODY_NOMEM;
  }
  zs.next_in = (Bytef *)in;
  zs.avail_in = (uInt)n; /* bodies are far below 4 GiB (max_body_bytes) */
  for (;;) {
    if (used == cap) {
      if (cap == limit + 1) {
        snprintf(err, errlen, "the gzip body inflates past %zu bytes", limit);
        rc = VH_BODY_LARGE;
        goto out;
      }
      if (grow(&buf, &cap, limit) != 0) {
        snprintf(err, errlen, "out of memory inflating the body");
        rc = VH_BODY_NOMEM;
        goto out;
      }
    }
    zs.next_out = (Bytef *)buf + used;
    zs.avail_out = (uInt)(cap - used);
    zrc = inflate(&zs, Z_NO_FLUSH);
    used = cap - zs.avail_out;
    if (zrc == Z_STREAM_END) {
      if (zs.avail_in == 0)
        break;
      inflateReset(&zs); /* another gzip member follows */
    } else if (zrc == Z_BUF_ERROR && zs.avail_in == 0) {
      snprintf(err, errlen, "the gzip body is cut short after %zu inflated bytes", used);
      goto out;
    } else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
      snprintf(err, errlen, "the gzip body is corrupt after %zu inflated bytes: %s", used,
               zs.msg ? zs.msg : "zlib error");
      goto out;
    }
  }
  if (used > limit) {
    snprintf(err, errlen, "the gzip body inflates past %zu bytes", limit);
    rc = VH_BODY_LARGE;
    goto out;
  }
  *out = buf;
  *outlen = used;
  buf = NULL;
  rc = VH_BODY_OK;
out:
  inflateEnd(&zs);
  free(buf);
  return rc;
}

/* ---- framing -------------------------------------------------------------------------------- */

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Line and column (1-based) of offset `at` in p, counting from `line` at p. */
static void where(const char *p, size_t at, uint64_t line, uint64_t *lno, size_t *col) {
  size_t i, start = 0;

  for (i = 0; i < at; i++) {
    if (p[i] == '\n') {
      line++;
      start = i + 1;
    }
  }
  *lno = line;
  *col = at - start + 1;
}

/* Checks p[0..n) as one text starting at `line`; fills err when bad. */
static int check(const char *p, size_t n, uint64_t line, char *err, size_t errlen) {
  const char *what;
  uint64_t lno;
  size_t at, col, i = 0;

  if (vh_json_check(p, n, &at, &what) == 0) {
    while (is_blank(p[i]))
      i++;
    if (p[i] == '{' || p[i] == '[')
      return 0;
    at = i;
    what = "expected a JSON object or array";
  }
  where(p, at, line, &lno, &col);
  snprintf(err, errlen, "line %llu, column %zu: %s", (unsigned long long)lno, col, what);
  return -1;
}

/* End of the line starting at i (the index of its '\n', or n). */
static size_t line_end(const char *p, size_t n, size_t i) {
  const char *nl = memchr(p + i, '\n', n - i);

  return nl != NULL ? (size_t)(nl - p) : n;
}

static int only_blanks(const char *p, size_t n) {
  size_t i;

  for (i = 0; i < n; i++)
    if (!is_blank(p[i]))
      return 0;
  return 1;
}

static int split_lines(const char *p, size_t n, vh_texts_t *out, char *err, size_t errlen) {
  size_t i = 0, e, len;
  uint64_t line = 1;

  for (; i < n; i = e + 1, line++) {
    e = line_end(p, n, i);
    len = e - i;
    if (len > 0 && p[i + len - 1] == '\r')
      len--;
    if (only_blanks(p + i, len))
      continue;
    if (check(p + i, len, line, err, errlen) != 0)
      return VH_BODY_BAD;
    if (add_text(out, i, len, line) != 0)
      return VH_BODY_NOMEM;
    if (e == n)
      break;
  }
  return VH_BODY_OK;
}

int vh_body_split(const char *p, size_t n, vh_texts_t *out, char *err, size_t errlen) {
  size_t i = 0, e;
  uint64_t line = 1;
  const char *what;
  size_t at;

  /* The first non-blank line decides the format. */
  for (;;) {
    if (i >= n) {
      snprintf(err, errlen, "the body holds no JSON");
      return VH_BODY_BAD;
    }
    e = line_end(p, n, i);
    if (!only_blanks(p + i, e - i))
      break;
    i = e + 1;
    line++;
  }
  if (vh_json_check(p + i, e - i, &at, &what) == 0)
    return split_lines(p, n, out, err, errlen);
  if (check(p + i, n - i, line, err, errlen) != 0)
    return VH_BODY_BAD;
  return add_text(out, i, n - i, line) == 0 ? VH_BODY_OK : VH_BODY_NOMEM;
}
