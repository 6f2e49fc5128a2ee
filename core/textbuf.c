#include "textbuf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

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

#ifdef __SSE2__
/* Bit i set when x[i] is '"', '\\' or below 0x20: a byte jstr escapes. */
static inline int to_escape(__m128i x) {
  __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                             _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));

  hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x));
  return _mm_movemask_epi8(hit);
}

/* Bit i set when x[i] is '"' or whitespace: where json_min stops. */
static inline int quote_or_space(__m128i x) {
  __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                             _mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));

  hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')));
  hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, _mm_set1_epi8('\t')));
  hit = _mm_or_si128(hit, _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
  return _mm_movemask_epi8(hit);
}

/* Bit i set when x[i] is '"' or '\\': where a string's copy stops. */
static inline int quote_or_bslash(__m128i x) {
  return _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
                                        _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));
}

/* One 16-byte step of a copy: the 16 bytes at *in are stored whole at *out
 * (room is the caller's promise) and both advance to the first byte stop
 * marks, or by 16. Returns that mark (0: none in these 16). */
static inline int step16(const char **in, char **out, int (*stop)(__m128i)) {
  __m128i x = _mm_loadu_si128((const __m128i *)(const void *)*in);
  int m = stop(x);
  size_t k = m ? (size_t)__builtin_ctz((unsigned)m) : 16;

  _mm_storeu_si128((__m128i *)(void *)*out, x);
  *in += k;
  *out += k;
  return m;
}
#endif

void vigil_tbuf_jstr(vigil_tbuf_t *b, const char *s) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  size_t n;
  size_t i = 0;
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
  for (;;) {
#ifdef __SSE2__
    /* Sixteen bytes a step, stored whole and kept up to the first one to
     * escape: the output has room for six bytes a byte, so a store of 16
     * from anywhere before the last 16 input bytes stays inside it. */
    while (n - i >= 16) {
      const char *at = s + i;
      int m = step16(&at, &o, to_escape);

      i = (size_t)(at - s);
      if (m)
        break;
    }
#endif
    while (i < n && !escapes[p[i]])
      *o++ = (char)p[i++];
    if (i == n)
      break;
    e = escapes[p[i]];
    *o++ = '\\';
    *o++ = e;
    if (e == 'u') {
      *o++ = '0';
      *o++ = '0';
      *o++ = hex[p[i] >> 4];
      *o++ = hex[p[i] & 15];
    }
    i++;
  }
  *o++ = '"';
  *o = '\0';
  b->len = (size_t)(o - b->p);
}

static inline int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copies the string whose opening quote is at json[i] through its closing
 * one to *out; returns the index past it. */
static size_t copy_string(char **out, const char *json, size_t i, size_t len) {
  char *o = *out;

  *o++ = json[i++];
  while (i < len) {
#ifdef __SSE2__
    /* As in jstr: o never runs ahead of i in the output, which has room
     * for the whole input, so a 16-byte store before its last 16 fits. */
    if (len - i >= 16) {
      const char *at = json + i;
      int m = step16(&at, &o, quote_or_bslash);

      i = (size_t)(at - json);
      if (!m)
        continue;
    }
#endif
    while (i < len && json[i] != '"' && json[i] != '\\')
      *o++ = json[i++];
    if (i == len)
      break;
    if (json[i] == '"') {
      *o++ = json[i++];
      break;
    }
    *o++ = json[i++]; /* a backslash and the byte it escapes */
    if (i < len)
      *o++ = json[i++];
  }
  *out = o;
  return i;
}

void vigil_tbuf_json_min(vigil_tbuf_t *b, const char *json, size_t len) {
  char *out;
  size_t i = 0;

  if (vigil_tbuf_reserve(b, len) != 0) /* never longer than its input */
    return;
  out = b->p + b->len;
  while (i < len) {
    if (json[i] == '"') {
      i = copy_string(&out, json, i, len);
    } else if (is_space(json[i])) {
      i++;
    } else {
#ifdef __SSE2__
      /* names, numbers, brackets: up to the next quote or space at once */
      if (len - i >= 16) {
        const char *at = json + i;

        step16(&at, &out, quote_or_space);
        i = (size_t)(at - json);
        continue;
      }
#endif
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
