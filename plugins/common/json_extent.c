#include "json_extent.h"

#include <stdint.h>
#include <string.h>

int vp_blank_char(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

int vp_blank(const char *p, size_t n) {
  size_t i;

  for (i = 0; i < n; i++)
    if (!vp_blank_char(p[i]))
      return 0;
  return 1;
}

/*
 * The first '"' or '\\' in [p, end), or end. A CloudTrail object is one
 * line of a megabyte or more, mostly string bytes, so they are tested
 * eight at a time: a byte equal to c is a zero byte of w ^ c*0x01..01, and
 * the lowest high bit of (v - 0x01..01) & ~v marks the first zero byte
 * exactly (borrows only reach bytes above it).
 */
static const char *string_stop(const char *p, const char *end) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
  uint64_t w, q, b, hit;

  while (end - p >= 8) {
    memcpy(&w, p, 8);
    q = w ^ (ones * '"');
    b = w ^ (ones * '\\');
    hit = (((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
    if (hit)
      return p + (__builtin_ctzll(hit) >> 3);
    p += 8;
  }
#endif
  while (p < end && *p != '"' && *p != '\\')
    p++;
  return p;
}

/* Just past the string whose opening quote is at p, or NULL when it does
 * not end before end. */
static const char *string_end(const char *p, const char *end) {
  for (p++;;) {
    p = string_stop(p, end);
    if (p == end)
      return NULL;
    if (*p == '"')
      return p + 1;
    if (end - p < 2)
      return NULL; /* a backslash with nothing after it */
    p += 2;
  }
}

/* Just past the value starting at p (not a blank), or NULL when it does
 * not end before end. Scalars end at the next blank. */
static const char *value_end(const char *p, const char *end) {
  size_t depth = 0;

  if (*p == '"')
    return string_end(p, end);
  if (*p != '{' && *p != '[') {
    while (p < end && !vp_blank_char(*p))
      p++;
    return p;
  }
  while (p < end) {
    switch (*p) {
    case '"':
      if (!(p = string_end(p, end)))
        return NULL;
      continue;
    case '{':
    case '[':
      depth++;
      break;
    case '}':
    case ']':
      if (--depth == 0)
        return p + 1;
      break;
    default:
      break;
    }
    p++;
  }
  return NULL;
}

int vp_json_complete(const char *p, size_t n) {
  const char *end = p + n, *v;

  while (p < end && vp_blank_char(*p))
    p++;
  if (p == end)
    return 0;
  v = value_end(p, end);
  return v != NULL && vp_blank(v, (size_t)(end - v));
}
