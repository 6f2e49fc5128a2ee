#include "textbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vigil_tbuf_reserve(vigil_tbuf_t *b, size_t more) {
  size_t cap;
  char *p;

  if (b->oom)
    return -1;
  if (b->len + more + 1 <= b->cap)
    return 0;
  cap = b->cap ? b->cap : 256;
  while (cap < b->len + more + 1)
    cap *= 2;
  if (!(p = realloc(b->p, cap))) {
    b->oom = 1;
    return -1;
  }
  b->p = p;
  b->cap = cap;
  return 0;
}

void vigil_tbuf_put(vigil_tbuf_t *b, const char *s, size_t n) {
  if (vigil_tbuf_reserve(b, n) != 0)
    return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

void vigil_tbuf_puts(vigil_tbuf_t *b, const char *s) {
  vigil_tbuf_put(b, s, strlen(s));
}

void vigil_tbuf_u64(vigil_tbuf_t *b, uint64_t v) {
  char num[24];

  vigil_tbuf_put(b, num, (size_t)snprintf(num, sizeof(num), "%" PRIu64, v));
}

/* The escape letter of each byte ('u': \u00XX), 0 for bytes that go out
 * as they are. */
static const char escapes[256] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    ['"'] = '"', ['\\'] = '\\'};

void vigil_tbuf_jstr(vigil_tbuf_t *b, const char *s) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  size_t n;
  char *o;
  char e;

  if (!s) {
    vigil_tbuf_put(b, "null", 4);
    return;
  }
  n = strlen(s);
  if (vigil_tbuf_reserve(b, n * 6 + 2) != 0) /* every byte as \u00XX */
    return;
  o = b->p + b->len;
  *o++ = '"';
  for (; *p; p++) {
    if (!(e = escapes[*p])) {
      *o++ = (char)*p;
      continue;
    }
    *o++ = '\\';
    *o++ = e;
    if (e == 'u') {
      *o++ = '0';
      *o++ = '0';
      *o++ = hex[*p >> 4];
      *o++ = hex[*p & 15];
    }
  }
  *o++ = '"';
  *o = '\0';
  b->len = (size_t)(o - b->p);
}

/* The end of the string whose opening quote is at s[i]: one past its
 * closing quote (a quote after an even run of backslashes). */
static size_t string_end(const char *s, size_t i, size_t len) {
  const char *q;
  size_t j = i + 1;
  size_t k;

  while ((q = memchr(s + j, '"', len - j))) {
    k = (size_t)(q - s);
    j = k + 1;
    while (k > i + 1 && s[k - 1] == '\\')
      k--;
    if (((size_t)(q - s) - k) % 2 == 0)
      return j;
  }
  return len;
}

void vigil_tbuf_json_min(vigil_tbuf_t *b, const char *json, size_t len) {
  char *out;
  size_t i = 0;
  size_t j;

  if (vigil_tbuf_reserve(b, len) != 0) /* never longer than its input */
    return;
  out = b->p + b->len;
  while (i < len) {
    switch (json[i]) {
    case '"':
      j = string_end(json, i, len);
      memcpy(out, json + i, j - i);
      out += j - i;
      i = j;
      break;
    case ' ':
    case '\t':
    case '\n':
    case '\r':
      i++;
      break;
    default:
      *out++ = json[i++];
    }
  }
  b->len = (size_t)(out - b->p);
  b->p[b->len] = '\0';
}

char *vigil_tbuf_take(vigil_tbuf_t *b) {
  char *p = b->oom ? NULL : b->p;

  if (b->oom)
    free(b->p);
  else if (!p)
    p = calloc(1, 1);
  b->p = NULL;
  b->len = b->cap = 0;
  b->oom = 0;
  return p;
}

void vigil_tbuf_free(vigil_tbuf_t *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
  b->oom = 0;
}
