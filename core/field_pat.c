#include "field_pat.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

int vigil_fpat_parse(const char *text, vigil_fpat_t *p) {
  size_t len = strlen(text);
  int lead;
  int trail;

  if (len == 1 && text[0] == '*') {
    p->kind = VIGIL_FPAT_ANY;
    p->s = text;
    p->len = 0;
    return 0;
  }
  lead = len > 0 && text[0] == '*';
  trail = len > 1 && text[len - 1] == '*';
  p->s = text + lead;
  p->len = len - (size_t)lead - (size_t)trail;
  if (p->len == 0 || memchr(p->s, '*', p->len))
    return -1;
  p->kind = lead && trail ? VIGIL_FPAT_CONTAINS
            : lead        ? VIGIL_FPAT_SUFFIX
            : trail       ? VIGIL_FPAT_PREFIX
                          : VIGIL_FPAT_EXACT;
  return 0;
}

int vigil_fpat_contains(const char *s, size_t len, const char *needle, size_t n) {
  size_t i = 0;

  if (n == 0)
    return 1;
  if (n > len)
    return 0;
  if (n == 1)
    return memchr(s, needle[0], len) != NULL;
#ifdef __SSE2__
  {
    /* Positions where the needle's first and last bytes both match, 16 at
     * a time; only those are compared whole. */
    const __m128i first = _mm_set1_epi8(needle[0]);
    const __m128i last = _mm_set1_epi8(needle[n - 1]);
    __m128i a;
    __m128i b;
    unsigned m;

    for (; i + n - 1 + 16 <= len; i += 16) {
      a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
      b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + n - 1));
      m = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first),
                                                    _mm_cmpeq_epi8(b, last)));
      for (; m; m &= m - 1) {
        if (memcmp(s + i + (unsigned)__builtin_ctz(m) + 1, needle + 1, n - 2) == 0)
          return 1;
      }
    }
  }
#endif
  for (; i + n <= len; i++) {
    if (s[i] == needle[0] && s[i + n - 1] == needle[n - 1] && memcmp(s + i, needle, n) == 0)
      return 1;
  }
  return 0;
}

int vigil_fpat_hit(const vigil_fpat_t *p, const char *s, size_t len) {
  switch (p->kind) {
  case VIGIL_FPAT_ANY:
    return 1;
  case VIGIL_FPAT_EXACT:
    return len == p->len && memcmp(s, p->s, len) == 0;
  case VIGIL_FPAT_PREFIX:
    return len >= p->len && memcmp(s, p->s, p->len) == 0;
  case VIGIL_FPAT_SUFFIX:
    return len >= p->len && memcmp(s + len - p->len, p->s, p->len) == 0;
  case VIGIL_FPAT_CONTAINS:
    return vigil_fpat_contains(s, len, p->s, p->len);
  }
  return 0;
}
