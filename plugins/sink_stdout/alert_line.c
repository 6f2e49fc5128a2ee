/* Rendering an alert for the terminal: severity table, time, safe text. */
#include "alert_line.h"

#include <stdio.h>
#include <time.h>

#define RESET "\033[0m"

static const struct severity_s {
  const char *name;
  const char *color;
} severities[] = {
    [VIGIL_SEV_INFO] = {"INFO", "\033[36m"},             /* cyan */
    [VIGIL_SEV_LOW] = {"LOW", "\033[34m"},               /* blue */
    [VIGIL_SEV_MEDIUM] = {"MEDIUM", "\033[33m"},         /* yellow */
    [VIGIL_SEV_HIGH] = {"HIGH", "\033[1;31m"},           /* bold red */
    [VIGIL_SEV_CRITICAL] = {"CRITICAL", "\033[1;97;41m"} /* bold white on red */
};

static const struct severity_s unknown = {"UNKNOWN", ""};

static const struct severity_s *severity(vigil_severity_t s) {
  if ((int)s < 0 || (size_t)s >= sizeof(severities) / sizeof(severities[0]))
    return &unknown;
  return &severities[s];
}

static void format_time(int64_t ms, char *out, size_t len) {
  int64_t secs = ms / 1000;
  struct tm tm;
  time_t t;

  if (ms % 1000 < 0)
    secs--; /* floor, so times before 1970 stay right */
  t = (time_t)secs;
  if (gmtime_r(&t, &tm) == NULL || strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    snprintf(out, len, "-");
}

static int add_text(vp_buf_t *b, const char *s) {
  const unsigned char *c;

  if (s == NULL || *s == '\0')
    return vp_buf_addc(b, '-');
  for (c = (const unsigned char *)s; *c != '\0'; c++)
    if (vp_buf_addc(b, *c < 0x20 || *c == 0x7f ? ' ' : (char)*c) != 0)
      return -1;
  return 0;
}

int vp_alert_line(vp_buf_t *b, const vigil_alert_t *a, int color) {
  const struct severity_s *sev = severity(a->severity);
  char when[40];
  int rc = 0;

  format_time(a->event_time_ms, when, sizeof(when));
  rc |= vp_buf_adds(b, when);
  rc |= vp_buf_addc(b, ' ');
  if (color && sev->color[0] != '\0')
    rc |= vp_buf_adds(b, sev->color);
  rc |= vp_buf_adds(b, sev->name);
  if (color && sev->color[0] != '\0')
    rc |= vp_buf_adds(b, RESET);
  rc |= vp_buf_addc(b, ' ');
  rc |= add_text(b, a->rule_id);
  rc |= vp_buf_addc(b, ' ');
  rc |= add_text(b, a->message);
  rc |= vp_buf_addc(b, '\n');
  return rc != 0 ? -1 : 0;
}
