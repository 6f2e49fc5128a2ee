#include "cloudtrail.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json_path.h"

/* The fields below are read through one of two lookups, so the tree and
 * the record's bytes (core/jdoc.h) pick the same values: a member of an
 * object by name, as cJSON_GetObjectItemCaseSensitive finds it (the
 * first of a repeated name), as a non-empty string or NULL; and the
 * object-valued member, as an opaque handle. */
typedef struct look_s {
  const void *(*obj)(const struct look_s *l, const void *o, const char *key);
  const char *(*str)(const struct look_s *l, const void *o, const char *key);
  vigil_jdoc_t *doc;
  vigil_jval_t tmp[4]; /* the objects handed out by obj() for the doc */
  int ntmp;
} look_t;

static const void *tree_obj(const look_t *l, const void *o, const char *key) {
  (void)l;
  return o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *tree_str(const look_t *l, const void *o, const char *key) {
  const cJSON *v = tree_obj(l, o, key);

  return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

static const void *doc_obj(const look_t *l, const void *o, const char *key) {
  look_t *m = (look_t *)l;
  vigil_jval_t *v;

  if (!o || m->ntmp == 4)
    return NULL;
  v = &m->tmp[m->ntmp];
  if (!vigil_jdoc_first(l->doc, o, key, v))
    return NULL;
  m->ntmp++;
  return v;
}

static const char *doc_str(const look_t *l, const void *o, const char *key) {
  vigil_jval_t v;
  const char *s;

  if (!o || !vigil_jdoc_first(l->doc, o, key, &v) || v.type != VIGIL_J_STRING)
    return NULL;
  s = vigil_jdoc_cstr(l->doc, &v);
  return s && s[0] ? s : NULL;
}

static const char *actor(look_t *l, const void *event) {
  static const char *const order[] = {"arn", "invokedBy", "userName", "principalId", NULL};
  const void *uid = l->obj(l, event, "userIdentity");
  const char *const *k;
  const char *v;

  for (k = order; *k; k++) {
    if (!strcmp(*k, "principalId") && (v = l->str(l, l->obj(l, uid, "onBehalfOf"), "userId")))
      return v; /* IdentityCenterUser: the identity-store user is all it names */
    if ((v = l->str(l, uid, *k)))
      return v;
  }
  return "unknown";
}

static const char *event_time(look_t *l, const void *event) {
  const char *v = l->str(l, event, "eventTime");

  return v ? v : l->str(l, event, "@timestamp");
}

const char *vigil_ct_actor(const cJSON *event) {
  look_t l = {tree_obj, tree_str, NULL, {{0}}, 0};

  return actor(&l, event);
}

static const char *account(look_t *l, const void *event) {
  const char *v = l->str(l, event, "recipientAccountId");

  return v ? v : l->str(l, l->obj(l, event, "userIdentity"), "accountId");
}

const char *vigil_ct_account(const cJSON *event) {
  look_t l = {tree_obj, tree_str, NULL, {{0}}, 0};

  return account(&l, event);
}

const char *vigil_ct_time(const cJSON *event) {
  look_t l = {tree_obj, tree_str, NULL, {{0}}, 0};

  return event_time(&l, event);
}

const char *vigil_ct_actor_doc(vigil_jdoc_t *doc) {
  look_t l = {doc_obj, doc_str, doc, {{0}}, 0};
  vigil_jval_t root = vigil_jdoc_root(doc);

  return actor(&l, &root);
}

const char *vigil_ct_account_doc(vigil_jdoc_t *doc) {
  look_t l = {doc_obj, doc_str, doc, {{0}}, 0};
  vigil_jval_t root = vigil_jdoc_root(doc);

  return account(&l, &root);
}

const char *vigil_ct_time_doc(vigil_jdoc_t *doc) {
  look_t l = {doc_obj, doc_str, doc, {{0}}, 0};
  vigil_jval_t root = vigil_jdoc_root(doc);

  return event_time(&l, &root);
}

/* n digits at p as a number, or -1. */
static int digits(const char *p, int n) {
  int v = 0;

  for (; n > 0; n--, p++) {
    if (*p < '0' || *p > '9')
      return -1;
    v = v * 10 + (*p - '0');
  }
  return v;
}

int vigil_parse_time(const char *s, int64_t *ms) {
  static const char shape[] = "0000-00-00T00:00:00";
  struct tm tm;
  int frac = 0;
  int n = 0;
  size_t i;
  const char *p;

  /* Exactly YYYY-MM-DDTHH:MM:SS, checked before any field is read. */
  for (i = 0; s && i < sizeof(shape) - 1; i++) {
    if (s[i] == '\0' || (shape[i] == '0' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i]))
      return -1;
  }
  if (!s)
    return -1;
  memset(&tm, 0, sizeof(tm));
  tm.tm_year = digits(s, 4) - 1900;
  tm.tm_mon = digits(s + 5, 2) - 1;
  tm.tm_mday = digits(s + 8, 2);
  tm.tm_hour = digits(s + 11, 2);
  tm.tm_min = digits(s + 14, 2);
  tm.tm_sec = digits(s + 17, 2);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60)
    return -1;
  p = s + 19;
  if (*p == '.') {
    for (p++; *p >= '0' && *p <= '9'; p++, n++) {
      if (n < 3)
        frac = frac * 10 + (*p - '0');
    }
    if (n == 0)
      return -1;
    for (; n < 3; n++)
      frac *= 10;
  }
  if (!(p[0] == 'Z' && p[1] == '\0') && p[0] != '\0')
    return -1;
  *ms = (int64_t)timegm(&tm) * 1000 + frac;
  return 0;
}

void vigil_format_time(int64_t ms, char *out, size_t cap) {
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  char base[24];

  gmtime_r(&t, &tm);
  strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(out, cap, "%s.%03dZ", base, (int)(ms % 1000));
}
