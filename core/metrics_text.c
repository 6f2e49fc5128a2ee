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


/* HELP text escapes \ and newline; label values also escape ". */
static void escaped(vigil_mx_buf_t *b, const char *s, int quote) {
  for (; *s; s++) {
    if (*s == '\\')
      vigil_tbuf_put(b, "\\\\", 2);
    else if (*s == '\n')
      vigil_tbuf_put(b, "\\n", 2);
    else if (*s == '"' && quote)
      vigil_tbuf_put(b, "\\\"", 2);
    else
      vigil_tbuf_put(b, s, 1);
  }
}

void vigil_mx_family(vigil_mx_buf_t *b, const char *name, const char *type, const char *help) {
  vigil_tbuf_puts(b, "# HELP ");
  vigil_tbuf_puts(b, name);
  vigil_tbuf_put(b, " ", 1);
  escaped(b, help, 0);
  vigil_tbuf_puts(b, "\n# TYPE ");
  vigil_tbuf_puts(b, name);
  vigil_tbuf_put(b, " ", 1);
  vigil_tbuf_puts(b, type);
  vigil_tbuf_put(b, "\n", 1);
}

static void head(vigil_mx_buf_t *b, const char *name, const char *const *labels, int nlabels) {
  int i;

  vigil_tbuf_puts(b, name);
  if (nlabels <= 0)
    return;
  vigil_tbuf_put(b, "{", 1);
  for (i = 0; i < nlabels; i++) {
    if (i)
      vigil_tbuf_put(b, ",", 1);
    vigil_tbuf_puts(b, labels[2 * i]);
    vigil_tbuf_put(b, "=\"", 2);
    escaped(b, labels[2 * i + 1] ? labels[2 * i + 1] : "", 1);
    vigil_tbuf_put(b, "\"", 1);
  }
  vigil_tbuf_put(b, "}", 1);
}

void vigil_mx_sample(vigil_mx_buf_t *b, const char *name, const char *const *labels,
                     int nlabels, uint64_t value) {
  char num[32];
  int n;

  head(b, name, labels, nlabels);
  n = snprintf(num, sizeof(num), " %llu\n", (unsigned long long)value);
  vigil_tbuf_put(b, num, (size_t)n);
}

void vigil_mx_sample_f(vigil_mx_buf_t *b, const char *name, const char *const *labels,
                       int nlabels, double value) {
  char num[64];
  int n;

  head(b, name, labels, nlabels);
  n = snprintf(num, sizeof(num), " %.3f\n", value);
  vigil_tbuf_put(b, num, (size_t)n);
}

void vigil_mx_buf_free(vigil_mx_buf_t *b) {
  free(b->p);
  memset(b, 0, sizeof(*b));
}
