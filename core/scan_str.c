/*
 * String values the scanner found, decoded: escapes read (\uXXXX pairs
 * joined, lone surrogates as U+FFFD, as RFC 8259 allows), compared with C
 * strings, and copied out cut at a whole UTF-8 character (contract in
 * scan.h).
 */
#include "scan.h"

#include <string.h>

#include "scan_int.h"

static unsigned hex4(const char *p) {
  unsigned v = 0;
  int i;

  for (i = 0; i < 4; i++) {
    unsigned char c = (unsigned char)p[i];

    v = v << 4 | (isdig(c) ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return v;
}

static int is_u_escape(const char *p, const char *end) {
  return end - p >= 6 && p[0] == '\\' && p[1] == 'u' && ishex((unsigned char)p[2]) &&
         ishex((unsigned char)p[3]) && ishex((unsigned char)p[4]) && ishex((unsigned char)p[5]);
}

static int utf8(unsigned cp, unsigned char *o) {
  if (cp < 0x80) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | cp >> 6);
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | cp >> 12);
    o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | cp >> 18);
  o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
  o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

/*
 * Decodes the escape at *pp (a backslash) into o, advancing *pp. Values may
 * be built by hand, so malformed escapes decode without reading past end:
 * an unknown one stays as written, a short \u becomes U+FFFD.
 */
static int unescape(const char **pp, const char *end, unsigned char *o) {
  const char *p = *pp;
  unsigned cp, lo;

  if (end - p < 2) {
    *pp = p + 1;
    o[0] = '\\';
    return 1;
  }
  *pp = p + 2;
  switch (p[1]) {
  case 'b':
    o[0] = '\b';
    return 1;
  case 'f':
    o[0] = '\f';
    return 1;
  case 'n':
    o[0] = '\n';
    return 1;
  case 'r':
    o[0] = '\r';
    return 1;
  case 't':
    o[0] = '\t';
    return 1;
  case 'u':
    break;
  default:
    o[0] = (unsigned char)p[1];
    return 1; /* \" \\ \/ and unknown ones */
  }
  if (!is_u_escape(p, end))
    return utf8(0xFFFD, o);
  *pp = p + 6;
  cp = hex4(p + 2);
  if (cp >= 0xD800 && cp <= 0xDBFF && is_u_escape(p + 6, end)) {
    lo = hex4(p + 8);
    if (lo >= 0xDC00 && lo <= 0xDFFF) {
      *pp = p + 12;
      return utf8(0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00), o);
    }
  }
  if (cp >= 0xD800 && cp <= 0xDFFF)
    cp = 0xFFFD; /* a lone surrogate has no UTF-8 form */
  return utf8(cp, o);
}

int vigil_jval_streq(const vigil_jval_t *v, const char *s) {
  const char *p, *end;
  unsigned char ch[4];
  size_t n;
  int k;

  if (!v || v->type != VIGIL_J_STRING)
    return 0;
  if (!v->escaped) {
    n = strlen(s);
    return n == v->len && memcmp(v->p, s, n) == 0;
  }
  p = v->p;
  end = v->p + v->len;
  while (p < end) {
    if (*p != '\\') {
      if (*s++ != *p++)
        return 0;
      continue;
    }
    k = unescape(&p, end, ch);
    if (strncmp(s, (const char *)ch, (size_t)k) != 0 || memchr(ch, 0, (size_t)k))
      return 0;
    s += k;
  }
  return *s == '\0';
}

/* The length of buf[0..n) without a UTF-8 sequence cut off at its end. */
static size_t whole_utf8(const char *buf, size_t n) {
  size_t i = n, need;
  unsigned char c;

  while (i > 0 && n - i < 3 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80)
    i--;
  if (i == 0)
    return n;
  c = (unsigned char)buf[i - 1];
  if (c < 0xC0)
    return n; /* ASCII or a stray continuation: nothing to trim */
  need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  return n - (i - 1) < need ? i - 1 : n;
}

size_t vigil_jval_str(const vigil_jval_t *v, char *out, size_t cap) {
  const char *p, *end;
  unsigned char ch[4];
  size_t n = 0, room = cap ? cap - 1 : 0, kept;
  int k;

  if (cap)
    out[0] = '\0';
  if (!v || v->type != VIGIL_J_STRING)
    return 0;
  if (!v->escaped) {
    kept = v->len < room ? v->len : room;
    if (kept)
      memcpy(out, v->p, kept);
    if (kept < v->len)
      kept = whole_utf8(out, kept);
    if (cap)
      out[kept] = '\0';
    return v->len;
  }
  /* Decoded characters are copied whole while they fit; past that, only
   * counted. kept is how much of out holds complete characters. */
  kept = 0;
  p = v->p;
  end = v->p + v->len;
  while (p < end) {
    if (*p != '\\') {
      ch[0] = (unsigned char)*p++;
      k = 1;
    } else {
      k = unescape(&p, end, ch);
    }
    if (kept == n && n + (size_t)k <= room) {
      memcpy(out + n, ch, (size_t)k);
      kept += (size_t)k;
    }
    n += (size_t)k;
  }
  if (kept < n)
    kept = whole_utf8(out, kept); /* raw bytes of a UTF-8 char come one by one */
  if (cap)
    out[kept] = '\0';
  return n;
}
