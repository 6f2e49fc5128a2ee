/* One forward pass over a JSON text; a fixed stack holds the nesting. */
#include "json_check.h"

typedef struct ck_s {
  const char *end;
  const char *bad; /* first offending byte, once failed */
  const char *what;
} ck_t;

static const char *stop_at(ck_t *c, const char *p, const char *what) {
  c->bad = p;
  c->what = what;
  return NULL;
}

static const char *blanks(const ck_t *c, const char *p) {
  while (p < c->end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  return p;
}

static int is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}

static int is_hex(char ch) {
  return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* p is at the opening quote; returns the byte after the closing one. */
static const char *string(ck_t *c, const char *p) {
  int i;

  for (p++; p < c->end; p++) {
    if (*p == '"')
      return p + 1;
    if ((unsigned char)*p < 0x20)
      return stop_at(c, p, "control character inside a string");
    if (*p != '\\')
      continue;
    if (++p == c->end)
      break;
    if (*p == 'u') {
      for (i = 1; i <= 4; i++)
        if (p + i >= c->end || !is_hex(p[i]))
          return stop_at(c, p + i < c->end ? p + i : c->end, "bad \\u escape");
      p += 4;
    } else if (*p != '"' && *p != '\\' && *p != '/' && *p != 'b' && *p != 'f' && *p != 'n' &&
               *p != 'r' && *p != 't') {
      return stop_at(c, p, "bad escape in a string");
    }
  }
  return stop_at(c, c->end, "unterminated string");
}

static const char *digits(ck_t *c, const char *p) {
  if (p == c->end || !is_digit(*p))
    return stop_at(c, p, "bad number");
  while (p < c->end && is_digit(*p))
    p++;
  return p;
}

static const char *number(ck_t *c, const char *p) {
  if (*p == '-')
    p++;
  if (p < c->end && *p == '0')
    p++;
  else if ((p = digits(c, p)) == NULL)
    return NULL;
  if (p < c->end && *p == '.' && (p = digits(c, p + 1)) == NULL)
    return NULL;
  if (p < c->end && (*p == 'e' || *p == 'E')) {
    p++;
    if (p < c->end && (*p == '+' || *p == '-'))
      p++;
    if ((p = digits(c, p)) == NULL)
      return NULL;
  }
  return p;
}

static const char *word(ck_t *c, const char *p, const char *w) {
  for (; *w != '\0'; w++, p++)
    if (p == c->end || *p != *w)
      return stop_at(c, p, "unexpected character");
  return p;
}

/* A value that is not a container. */
static const char *scalar(ck_t *c, const char *p) {
  switch (*p) {
  case '"':
    return string(c, p);
  case 't':
    return word(c, p, "true");
  case 'f':
    return word(c, p, "false");
  case 'n':
    return word(c, p, "null");
  default:
    if (*p == '-' || is_digit(*p))
      return number(c, p);
    return stop_at(c, p, "unexpected character");
  }
}

/* An object member's key and colon; returns where its value starts. */
static const char *key(ck_t *c, const char *p) {
  p = blanks(c, p);
  if (p == c->end || *p != '"')
    return stop_at(c, p, "expected a string key");
  if ((p = string(c, p)) == NULL)
    return NULL;
  p = blanks(c, p);
  if (p == c->end || *p != ':')
    return stop_at(c, p, "expected ':'");
  return p + 1;
}

/*
 * After a complete value: closes every container that ends here and stops
 * at the start of the next value (after a ',' and, in objects, its key).
 * *depth == 0 on return means the outermost value is complete.
 */
static const char *next(ck_t *c, const char *p, const unsigned char *isobj, unsigned *depth) {
  int obj;

  while (*depth > 0) {
    obj = isobj[*depth - 1];
    p = blanks(c, p);
    if (p == c->end)
      return stop_at(c, p, obj ? "unterminated object" : "unterminated array");
    if (*p == ',')
      return obj ? key(c, p + 1) : p + 1;
    if (*p != (obj ? '}' : ']'))
      return stop_at(c, p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
    p++;
    (*depth)--;
  }
  return p;
}

static const char *value(ck_t *c, const char *p) {
  unsigned char isobj[VH_JSON_MAX_DEPTH];
  unsigned depth = 0;

  do {
    p = blanks(c, p);
    if (p == c->end)
      return stop_at(c, p, "unexpected end of the text");
    if (*p == '{' || *p == '[') {
      if (depth == VH_JSON_MAX_DEPTH)
        return stop_at(c, p, "nested too deeply");
      isobj[depth++] = *p == '{';
      p = blanks(c, p + 1);
      if (p < c->end && *p == (isobj[depth - 1] ? '}' : ']')) {
        depth--;
        p = next(c, p + 1, isobj, &depth); /* an empty container is a whole value */
      } else if (isobj[depth - 1]) {
        p = key(c, p);
      }
    } else if ((p = scalar(c, p)) != NULL) {
      p = next(c, p, isobj, &depth);
    }
  } while (p != NULL && depth > 0);
  return p;
}

int vh_json_check(const char *p, size_t n, size_t *at, const char **what) {
  ck_t c = {p + n, NULL, NULL};
  const char *q;

  q = value(&c, p);
  if (q != NULL) {
    q = blanks(&c, q);
    if (q != c.end)
      stop_at(&c, q, "more data after the end of the JSON value");
  }
  if (c.bad == NULL)
    return 0;
  *at = (size_t)(c.bad - p);
  *what = c.what;
  return -1;
}
