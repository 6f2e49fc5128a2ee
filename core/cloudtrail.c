#include "cloudtrail.h"

#include <stdio.h>
#include <string.h>

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

/*
 * Days from 1970-01-01 to year y, month m (1-12), day d in the proleptic
 * Gregorian calendar, counted in 400-year cycles of 146,097 days from
 * March 1st of year 0 (so the leap day ends a year). A day past its
 * month's end runs on into the next month, as timegm() has it. Written
 * out because timegm() was a thousand instructions a call, and stateful
 * rules read the time of every event they see.
 */
static int64_t days_from_civil(int64_t y, int m, int d) {
  int64_t cycle;
  int64_t yoc; /* year of the cycle, 0-399 */
  int64_t mar = m > 2 ? m - 3 : m + 9; /* months since March */

  y -= m <= 2;
  cycle = (y >= 0 ? y : y - 399) / 400;
  yoc = y - cycle * 400;
  return cycle * 146097 + yoc * 365 + yoc / 4 - yoc / 100 + (153 * mar + 2) / 5 + d - 1 -
         719468; /* the days from 0000-03-01 to 1970-01-01 */
}

/* The inverse of days_from_civil for day number z. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  int64_t cycle;
  int64_t doc; /* day of the cycle */
  int64_t yoc;
  int64_t doy; /* day of the year from March 1st */
  int64_t mp;

  z += 719468;
  cycle = (z >= 0 ? z : z - 146096) / 146097;
  doc = z - cycle * 146097;
  yoc = (doc - doc / 1460 + doc / 36524 - doc / 146096) / 365;
  doy = doc - (365 * yoc + yoc / 4 - yoc / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoc + cycle * 400 + (*m <= 2);
}

int vigil_parse_time(const char *s, int64_t *ms) {
  static const char shape[] = "0000-00-00T00:00:00";
  int year, mon, mday, hour, min, sec;
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
  year = digits(s, 4);
  mon = digits(s + 5, 2);
  mday = digits(s + 8, 2);
  hour = digits(s + 11, 2);
  min = digits(s + 14, 2);
  sec = digits(s + 17, 2);
  if (mon < 1 || mon > 12 || mday < 1 || mday > 31 || hour > 23 || min > 59 || sec > 60)
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
  *ms = ((days_from_civil(year, mon, mday) * 24 + hour) * 60 + min) * 60000 +
        (int64_t)sec * 1000 + frac;
  return 0;
}

void vigil_format_time(int64_t ms, char *out, size_t cap) {
  int64_t secs = ms / 1000 - (ms % 1000 < 0); /* floor, as gmtime() counts */
  int64_t day = secs / 86400 - (secs % 86400 < 0);
  int64_t in_day = secs - day * 86400;
  int64_t year;
  int mon;
  int mday;

  civil_from_days(day, &year, &mon, &mday);
  snprintf(out, cap, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", (long long)year, mon, mday,
           (int)(in_day / 3600), (int)(in_day / 60 % 60), (int)(in_day % 60),
           (int)(ms - secs * 1000));
}
