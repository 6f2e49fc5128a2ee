/* Table-driven reading of a plugin's configuration object with cJSON. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

/* Integers above 2^53 are not exact in a double. */
#define MAX_EXACT_SIZE 9007199254740992.0

static const vp_option_t *find(const vp_option_t *opts, size_t n, const char *key) {
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp(opts[i].key, key) == 0)
      return &opts[i];
  return NULL;
}

static int store_strings(const cJSON *v, vp_strings_t *out) {
  const cJSON *item;
  size_t n = 0;

  cJSON_ArrayForEach(item, v) {
    if (!cJSON_IsString(item))
      return -1;
  }
  vp_strings_free(out);
  out->v = calloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(char *));
  if (out->v == NULL)
    return -2;
  cJSON_ArrayForEach(item, v) {
    out->v[n] = strdup(item->valuestring);
    if (out->v[n] == NULL)
      return -2;
    out->n = ++n;
  }
  return 0;
}

static int store_enum(const vp_option_t *o, const cJSON *v) {
  int i;

  if (!cJSON_IsString(v))
    return -1;
  for (i = 0; o->choices[i] != NULL; i++) {
    if (strcmp(o->choices[i], v->valuestring) == 0) {
      *(int *)o->out = i;
      return 0;
    }
  }
  return -1;
}

/* Returns 0, -1 for a wrong type or value, -2 when out of memory. */
static int store(const vp_option_t *o, const cJSON *v) {
  char *s;
  double d;

  switch (o->type) {
  case VP_OPT_STRING:
    if (!cJSON_IsString(v))
      return -1;
    if ((s = strdup(v->valuestring)) == NULL)
      return -2;
    free(*(char **)o->out);
    *(char **)o->out = s;
    return 0;
  case VP_OPT_BOOL:
    if (!cJSON_IsBool(v))
      return -1;
    *(int *)o->out = cJSON_IsTrue(v);
    return 0;
  case VP_OPT_SIZE:
    if (!cJSON_IsNumber(v))
      return -1;
    d = v->valuedouble;
    if (d < 1 || d > MAX_EXACT_SIZE || floor(d) != d || d > (double)SIZE_MAX)
      return -1;
    *(size_t *)o->out = (size_t)d;
    return 0;
  case VP_OPT_STRINGS:
    if (!cJSON_IsArray(v))
      return -1;
    return store_strings(v, o->out);
  case VP_OPT_ENUM:
    return store_enum(o, v);
  }
  return -1;
}

static const char *expected(const vp_option_t *o) {
  switch (o->type) {
  case VP_OPT_STRING:
    return "a string";
  case VP_OPT_BOOL:
    return "true or false";
  case VP_OPT_SIZE:
    return "a positive integer";
  case VP_OPT_STRINGS:
    return "an array of strings";
  case VP_OPT_ENUM:
    return "one of the listed values";
  }
  return "?";
}

static void type_error(const vp_option_t *o, const char *who, char *err, size_t errlen) {
  size_t used;
  int i;

  used = (size_t)snprintf(err, errlen, "%s: option \"%s\" must be %s", who, o->key, expected(o));
  if (o->type != VP_OPT_ENUM || used >= errlen)
    return;
  for (i = 0; o->choices[i] != NULL && used < errlen; i++)
    used += (size_t)snprintf(err + used, errlen - used, "%s\"%s\"", i ? ", " : " (", o->choices[i]);
  if (used < errlen)
    snprintf(err + used, errlen - used, ")");
}

int vp_config_load(const char *json, const char *who, const vp_option_t *opts, size_t nopts,
                   char *err, size_t errlen) {
  cJSON *root;
  const cJSON *item;
  const vp_option_t *o;
  size_t i;
  int rc = -1;

  root = cJSON_Parse(json != NULL ? json : "{}");
  if (root == NULL) {
    snprintf(err, errlen, "%s: configuration is not valid JSON", who);
    return -1;
  }
  if (!cJSON_IsObject(root)) {
    snprintf(err, errlen, "%s: configuration must be a JSON object", who);
    goto cleanup;
  }
  cJSON_ArrayForEach(item, root) {
    o = find(opts, nopts, item->string);
    if (o == NULL) {
      snprintf(err, errlen, "%s: unknown option \"%s\"", who, item->string);
      goto cleanup;
    }
    switch (store(o, item)) {
    case 0:
      break;
    case -2:
      snprintf(err, errlen, "%s: out of memory reading option \"%s\"", who, o->key);
      goto cleanup;
    default:
      type_error(o, who, err, errlen);
      goto cleanup;
    }
  }
  for (i = 0; i < nopts; i++) {
    if (opts[i].required && cJSON_GetObjectItemCaseSensitive(root, opts[i].key) == NULL) {
      snprintf(err, errlen, "%s: missing required option \"%s\"", who, opts[i].key);
      goto cleanup;
    }
  }
  rc = 0;

cleanup:
  cJSON_Delete(root);
  return rc;
}

void vp_strings_free(vp_strings_t *s) {
  size_t i;

  if (s->v != NULL) {
    for (i = 0; i < s->n; i++)
      free(s->v[i]);
    free(s->v);
  }
  s->v = NULL;
  s->n = 0;
}
