#include "cloudtrail.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* Member key of object o (NULL: none) into *out, as
 * cJSON_GetObjectItemCaseSensitive finds it (the first of a repeated
 * name): 1, or 0. */
static int member(vigil_jdoc_t *d, const vigil_jval_t *o, const char *key, vigil_jval_t *out) {
  return o && vigil_jdoc_first(d, o, key, out);
}

/* The same member as a non-empty string, else NULL. */
static const char *text(vigil_jdoc_t *d, const vigil_jval_t *o, const char *key) {
  vigil_jval_t v;
  const char *s;

  if (!member(d, o, key, &v) || v.type != VIGIL_J_STRING)
    return NULL;
  s = vigil_jdoc_cstr(d, &v);
  return s && s[0] ? s : NULL;
}

const char *vigil_ct_actor_doc(vigil_jdoc_t *doc) {
  static const char *const order[] = {"arn", "invokedBy", "userName", "principalId", NULL};
  vigil_jval_t root = vigil_jdoc_root(doc);
  vigil_jval_t uid;
  vigil_jval_t obo;
  const vigil_jval_t *u = member(doc, &root, "userIdentity", &uid) ? &uid : NULL;
  const char *const *k;
  const char *v;

  for (k = order; *k; k++) {
    /* IdentityCenterUser: the identity-store user is all it names */
    if (!strcmp(*k, "principalId") && member(doc, u, "onBehalfOf", &obo) &&
        (v = text(doc, &obo, "userId")))
      return v;
    if ((v = text(doc, u, *k)))
      return v;
  }
  return "unknown";
}

const char *vigil_ct_account_doc(vigil_jdoc_t *doc) {
  vigil_jval_t root = vigil_jdoc_root(doc);
  vigil_jval_t uid;
  const char *v = text(doc, &root, "recipientAccountId");

  return v ? v : member(doc, &root, "userIdentity", &uid) ? text(doc, &uid, "accountId") : NULL;
}

const char *vigil_ct_time_doc(vigil_jdoc_t *doc) {
  vigil_jval_t root = vigil_jdoc_root(doc);
  const char *v = text(doc, &root, "eventTime");

  return v ? v : text(doc, &root, "@timestamp");
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
