#include "field_pat.h"

#include <string.h>

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
    return len >= p->len && memmem(s, len, p->s, p->len) != NULL;
  }
  return 0;
}
