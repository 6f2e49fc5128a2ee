#include "cloudtrail.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "json_path.h"

static const char *nonempty(const cJSON *node, const char *key) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(node, key);

  return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

const char *vigil_ct_actor(const cJSON *event) {
  static const char *const order[] = {"arn", "invokedBy", "userName", "principalId", NULL};
  const cJSON *uid = cJSON_GetObjectItemCaseSensitive(event, "userIdentity");
  const char *const *k;
  const char *v;

  for (k = order; *k; k++) {
    if (!strcmp(*k, "principalId") &&
        (v = nonempty(cJSON_GetObjectItemCaseSensitive(uid, "onBehalfOf"), "userId")))
      return v; /* IdentityCenterUser: the identity-store user is all it names */
    if ((v = nonempty(uid, *k)))
      return v;
  }
  return "unknown";
}

const char *vigil_ct_account(const cJSON *event) {
  const char *v = nonempty(event, "recipientAccountId");

  return v ? v : nonempty(cJSON_GetObjectItemCaseSensitive(event, "userIdentity"), "accountId");
}

const char *vigil_ct_time(const cJSON *event) {
  const char *v = nonempty(event, "eventTime");

  return v ? v : nonempty(event, "@timestamp");
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
