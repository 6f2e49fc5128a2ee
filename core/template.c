#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_path.h"

typedef struct buf_s {
  char *p;
  size_t len;
  size_t cap;
  int oom;
} buf_t;

static void put(buf_t *b, const char *s, size_t n) {
  char *p;

  if (b->oom)
    return;
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    p = realloc(b->p, b->cap);
    if (!p) {
      b->oom = 1;
      return;
    }
    b->p = p;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void put_value(buf_t *b, const cJSON *v) {
  char num[64];
  char *text;

  if (!v || cJSON_IsNull(v)) {
    put(b, "?", 1);
  } else if (cJSON_IsString(v)) {
    put(b, v->valuestring, strlen(v->valuestring));
  } else if (cJSON_IsBool(v)) {
    put(b, cJSON_IsTrue(v) ? "true" : "false", cJSON_IsTrue(v) ? 4 : 5);
  } else if (cJSON_IsNumber(v)) {
    /* The shortest text that reads back as the same double, as cJSON
     * prints it: 0.1, not 0.10000000000000001. */
    snprintf(num, sizeof(num), "%.15g", v->valuedouble);
    if (strtod(num, NULL) != v->valuedouble)
      snprintf(num, sizeof(num), "%.17g", v->valuedouble);
    put(b, num, strlen(num));
  } else {
    text = cJSON_PrintUnformatted(v);
    if (text)
      put(b, text, strlen(text));
    cJSON_free(text);
  }
}

char *vigil_render(const char *tmpl, const cJSON *fields, const cJSON *event) {
  buf_t b = {0};
  const char *p = tmpl;
  const char *close;
  const cJSON *v;
  size_t n;

  put(&b, "", 0);
  while (*p) {
    if (p[0] == '{' && p[1] == '{') {
      put(&b, "{", 1);
      p += 2;
      continue;
    }
    close = p[0] == '{' ? strchr(p, '}') : NULL;
    if (!close) {
      n = strcspn(p + 1, "{") + 1;
      put(&b, p, n);
      p += n;
      continue;
    }
    n = (size_t)(close - p - 1);
    if (n == 0) {
      put(&b, "{}", 2); /* not a placeholder: an empty path would name the whole event */
      p = close + 1;
      continue;
    }
    v = vigil_json_child(fields, p + 1, n);
    if (!v)
      v = vigil_json_path(event, p + 1, n);
    put_value(&b, v);
    p = close + 1;
  }
  if (b.oom) {
    free(b.p);
    return NULL;
  }
  return b.p;
}
