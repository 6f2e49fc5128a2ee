/*
 * Prometheus' text exposition format (version 0.0.4), written into a
 * growing buffer: "# HELP", "# TYPE", then one line per sample. Label
 * values come from configuration and rules (instance names, rule ids), so
 * they are escaped; names are ours and fixed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

static int grow(vigil_mx_buf_t *b, size_t more) {
  size_t cap;
  char *p;

  if (b->oom)
    return -1;
  if (b->len + more + 1 <= b->cap)
    return 0;
  cap = b->cap ? b->cap : 4096;
  while (cap < b->len + more + 1)
    cap *= 2;
  p = realloc(b->p, cap);
  if (!p) {
    b->oom = 1;
    return -1;
  }
  b->p = p;
  b->cap = cap;
  return 0;
}

static void put(vigil_mx_buf_t *b, const char *s, size_t n) {
  if (grow(b, n) != 0)
    return;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void puts_(vigil_mx_buf_t *b, const char *s) {
  put(b, s, strlen(s));
}

/* HELP text escapes \ and newline; label values also escape ". */
static void escaped(vigil_mx_buf_t *b, const char *s, int quote) {
  for (; *s; s++) {
    if (*s == '\\')
      put(b, "\\\\", 2);
    else if (*s == '\n')
      put(b, "\\n", 2);
    else if (*s == '"' && quote)
      put(b, "\\\"", 2);
    else
      put(b, s, 1);
  }
}

void vigil_mx_family(vigil_mx_buf_t *b, const char *name, const char *type, const char *help) {
  puts_(b, "# HELP ");
  puts_(b, name);
  put(b, " ", 1);
  escaped(b, help, 0);
  puts_(b, "\n# TYPE ");
  puts_(b, name);
  put(b, " ", 1);
  puts_(b, type);
  put(b, "\n", 1);
}

static void head(vigil_mx_buf_t *b, const char *name, const char *const *labels, int nlabels) {
  int i;

  puts_(b, name);
  if (nlabels <= 0)
    return;
  put(b, "{", 1);
  for (i = 0; i < nlabels; i++) {
    if (i)
      put(b, ",", 1);
    puts_(b, labels[2 * i]);
    put(b, "=\"", 2);
    escaped(b, labels[2 * i + 1] ? labels[2 * i + 1] : "", 1);
    put(b, "\"", 1);
  }
  put(b, "}", 1);
}

void vigil_mx_sample(vigil_mx_buf_t *b, const char *name, const char *const *labels,
                     int nlabels, uint64_t value) {
  char num[32];
  int n;

  head(b, name, labels, nlabels);
  n = snprintf(num, sizeof(num), " %llu\n", (unsigned long long)value);
  put(b, num, (size_t)n);
}

void vigil_mx_sample_f(vigil_mx_buf_t *b, const char *name, const char *const *labels,
                       int nlabels, double value) {
  char num[64];
  int n;

  head(b, name, labels, nlabels);
  n = snprintf(num, sizeof(num), " %.3f\n", value);
  put(b, num, (size_t)n);
}

void vigil_mx_buf_free(vigil_mx_buf_t *b) {
  free(b->p);
  memset(b, 0, sizeof(*b));
}
