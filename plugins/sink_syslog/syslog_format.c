/* Building RFC 5424 messages (layout in syslog_format.h). */
#include "syslog_format.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alert_fields.h"

#define MAX_MSGID 32
#define MAX_HOSTNAME 255
#define MAX_APP_NAME 48

int sl_severity(vigil_severity_t s) {
  switch (s) {
  case VIGIL_SEV_CRITICAL:
    return 2;
  case VIGIL_SEV_HIGH:
    return 3;
  case VIGIL_SEV_MEDIUM:
    return 4;
  case VIGIL_SEV_LOW:
    return 5;
  default:
    return 6;
  }
}

int sl_facility(const char *name) {
  /* RFC 5424 table 1, by the names syslog.conf(5) uses. */
  static const char *const names[] = {"kern",  "user",     "mail", "daemon", "auth",  "syslog",
                                      "lpr",   "news",     "uucp", "cron",   "authpriv", "ftp",
                                      "ntp",   "audit",    "alert", "clock"};
  int i;

  for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++)
    if (strcmp(name, names[i]) == 0)
      return i;
  if (strncmp(name, "local", 5) == 0 && name[5] >= '0' && name[5] <= '7' && name[6] == '\0')
    return 16 + (name[5] - '0');
  return -1;
}

int sl_valid_sd_id(const char *s) {
  size_t n = strlen(s), i;

  if (n == 0 || n > 32)
    return 0;
  for (i = 0; i < n; i++)
    if (s[i] < 33 || s[i] > 126 || s[i] == '=' || s[i] == ']' || s[i] == '"')
      return 0;
  return 1;
}

/* A header field: printable ASCII, at most max bytes, "-" when empty. */
static int add_field(vp_buf_t *b, const char *s, size_t max) {
  size_t i;
  int rc = 0;

  if (s == NULL || *s == '\0')
    return vp_buf_addc(b, '-');
  for (i = 0; s[i] != '\0' && i < max; i++)
    rc |= vp_buf_addc(b, s[i] >= 33 && s[i] <= 126 ? s[i] : '_');
  return rc;
}

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n) {
  size_t len, i;
  unsigned cp;

  if (p[0] < 0x80)
    return 1;
  if (p[0] >= 0xc2 && p[0] <= 0xdf)
    len = 2, cp = p[0] & 0x1f;
  else if (p[0] >= 0xe0 && p[0] <= 0xef)
    len = 3, cp = p[0] & 0x0f;
  else if (p[0] >= 0xf0 && p[0] <= 0xf4)
    len = 4, cp = p[0] & 0x07;
  else
    return 0;
  if (len > n)
    return 0;
  for (i = 1; i < len; i++) {
    if ((p[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (p[i] & 0x3f);
  }
  /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return len;
}

static int add_param(vp_buf_t *b, const char *name, const char *v) {
  const unsigned char *p = (const unsigned char *)v;
  size_t n = strlen(v), k;
  int rc = 0;

  if (n == 0)
    return 0;
  rc |= vp_buf_addc(b, ' ');
  rc |= vp_buf_adds(b, name);
  rc |= vp_buf_adds(b, "=\"");
  while (n > 0) {
    k = utf8_len(p, n);
    if (k == 0) {
      rc |= vp_buf_addc(b, '?');
      k = 1;
    } else if (*p == '"' || *p == '\\' || *p == ']') {
      rc |= vp_buf_addc(b, '\\');
      rc |= vp_buf_addc(b, (char)*p);
    } else if (*p < 0x20 || *p == 0x7f) {
      rc |= vp_buf_addc(b, ' ');
    } else {
      rc |= vp_buf_add(b, p, k);
    }
    p += k;
    n -= k;
  }
  rc |= vp_buf_addc(b, '"');
  return rc;
}

static void stamp(int64_t ms, char *out, size_t cap) {
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  char s[32];

  if (gmtime_r(&t, &tm) == NULL || strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
    snprintf(out, cap, "-");
    return;
  }
  snprintf(out, cap, "%s.%03dZ", s, (int)(ms % 1000));
}

/* Bytes of p[0..n) to keep so that at most `room` remain, ending on a
 * UTF-8 character boundary. */
static size_t fit(const char *p, size_t n, size_t room) {
  if (n <= room)
    return n;
  n = room;
  while (n > 0 && ((unsigned char)p[n] & 0xc0) == 0x80)
    n--;
  return n;
}

/* The text form of MSG: the message line with control bytes as spaces. */
static int add_msg(vp_buf_t *b, const char *p, size_t n, int text) {
  size_t i;
  int rc = 0;

  if (!text)
    return vp_buf_add(b, p, n);
  for (i = 0; i < n; i++)
    rc |= vp_buf_addc(b, (unsigned char)p[i] < 0x20 || p[i] == 0x7f ? ' ' : p[i]);
  return rc;
}

int sl_format(vp_buf_t *b, const sl_format_t *f, const vigil_alert_t *a, int64_t now_ms,
              int *cut) {
  vp_alert_fields_t af;
  char head[64], when[48];
  const char *msg = f->msg_json ? a->json : a->message;
  size_t mlen = f->msg_json ? a->json_len : (msg != NULL ? strlen(msg) : 0), keep;
  int rc = 0;

  *cut = 0;
  vp_alert_fields(a, &af);
  stamp(now_ms, when, sizeof(when));
  snprintf(head, sizeof(head), "<%d>1 %s ", f->facility * 8 + sl_severity(a->severity), when);
  rc |= vp_buf_adds(b, head);
  rc |= add_field(b, f->hostname, MAX_HOSTNAME);
  rc |= vp_buf_addc(b, ' ');
  rc |= add_field(b, f->app_name, MAX_APP_NAME);
  snprintf(head, sizeof(head), " %ld ", f->procid);
  rc |= vp_buf_adds(b, head);
  rc |= add_field(b, a->rule_id, MAX_MSGID);
  rc |= vp_buf_adds(b, " [");
  rc |= vp_buf_adds(b, f->sd_id);
  rc |= add_param(b, "rule", a->rule_id != NULL ? a->rule_id : "");
  rc |= add_param(b, "severity", vp_severity_name(a->severity));
  rc |= add_param(b, "actor", af.actor);
  rc |= add_param(b, "eventTime", af.event_time);
  rc |= vp_buf_addc(b, ']');
  if (rc != 0 || msg == NULL || mlen == 0)
    return rc;
  keep = b->len + 1 < f->max_bytes ? fit(msg, mlen, f->max_bytes - b->len - 1) : 0;
  *cut = keep < mlen;
  if (keep == 0)
    return 0;
  rc |= vp_buf_addc(b, ' ');
  rc |= add_msg(b, msg, keep, !f->msg_json);
  return rc;
}
