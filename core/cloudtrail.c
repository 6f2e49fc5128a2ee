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

int vigil_parse_time(const char *s, int64_t *ms) {
  struct tm tm;
  int frac = 0;
  int digits = 0;
  const char *p;
  time_t t;

  memset(&tm, 0, sizeof(tm));
  if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                   &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return -1;
  p = s + 19;
  if (*p == '.') {
    for (p++; *p >= '0' && *p <= '9'; p++) {
      if (digits++ < 3)
        frac = frac * 10 + (*p - '0');
    }
    for (; digits < 3; digits++)
      frac *= 10;
  }
  if (*p != 'Z' && *p != '\0')
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  t = timegm(&tm);
  *ms = (int64_t)t * 1000 + frac;
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
