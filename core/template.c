#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textbuf.h"

static void put_value(vigil_tbuf_t *b, vigil_jdoc_t *doc, const vigil_jval_t *v) {
  char num[64];
  const char *s;
  size_t n;
  double d;

  switch (v->type) {
  case VIGIL_J_STRING:
    if ((s = vigil_jdoc_str(doc, v, &n)))
      vigil_tbuf_put(b, s, n);
    else
      b->oom = 1;
    return;
  case VIGIL_J_TRUE:
    vigil_tbuf_put(b, "true", 4);
    return;
  case VIGIL_J_FALSE:
    vigil_tbuf_put(b, "false", 5);
    return;
  case VIGIL_J_NUMBER:
    /* The shortest text that reads back as the same double, as cJSON
     * prints it: 0.1, not 0.10000000000000001. */
    d = vigil_jdoc_number(v);
    snprintf(num, sizeof(num), "%.15g", d);
    if (strtod(num, NULL) != d)
      snprintf(num, sizeof(num), "%.17g", d);
    vigil_tbuf_puts(b, num);
    return;
  case VIGIL_J_OBJECT:
  case VIGIL_J_ARRAY:
    vigil_tbuf_json_min(b, v->p, v->len);
    return;
  default:
    vigil_tbuf_put(b, "?", 1);
  }
}

/* {name}: an alert field, else the event's value at the path. */
static void put_placeholder(vigil_tbuf_t *b, const char *name, size_t n,
                            const vigil_tfield_t *fields, size_t nfields, vigil_jdoc_t *doc) {
  vigil_jval_t root = vigil_jdoc_root(doc);
  vigil_jval_t v;
  size_t i;

  for (i = 0; i < nfields; i++) {
    if (strlen(fields[i].name) == n && memcmp(fields[i].name, name, n) == 0) {
      vigil_tbuf_puts(b, fields[i].value ? fields[i].value : "?");
      return;
    }
  }
  if (!vigil_jdoc_path(doc, &root, name, n, &v))
    v.type = VIGIL_J_NONE;
  put_value(b, doc, &v);
}

char *vigil_render(const char *tmpl, const vigil_tfield_t *fields, size_t nfields,
                   vigil_jdoc_t *doc) {
  vigil_tbuf_t b = {0};
  const char *p = tmpl;
  const char *close;
  size_t n;

  while (*p) {
    if (p[0] == '{' && p[1] == '{') {
      vigil_tbuf_put(&b, "{", 1);
      p += 2;
      continue;
    }
    close = p[0] == '{' ? strchr(p, '}') : NULL;
    if (!close) {
      n = strcspn(p + 1, "{") + 1;
      vigil_tbuf_put(&b, p, n);
      p += n;
      continue;
    }
    n = (size_t)(close - p - 1);
    if (n == 0)
      vigil_tbuf_put(&b, "{}", 2); /* not a placeholder: an empty path would name the event */
    else
      put_placeholder(&b, p + 1, n, fields, nfields, doc);
    p = close + 1;
  }
  return vigil_tbuf_take(&b);
}
