/* Building the JSON or Slack body of a POST from a batch of alerts. */
#include "webhook_payload.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "alert_fields.h"

static int json_body(vp_buf_t *b, int array, const vigil_alert_t *const *alerts, size_t n) {
  size_t i;
  int rc = 0;

  if (!array)
    return vp_buf_add(b, alerts[0]->json, alerts[0]->json_len);
  rc |= vp_buf_addc(b, '[');
  for (i = 0; i < n; i++) {
    if (i > 0)
      rc |= vp_buf_addc(b, ',');
    rc |= vp_buf_add(b, alerts[i]->json, alerts[i]->json_len);
  }
  rc |= vp_buf_addc(b, ']');
  return rc;
}

/* Slack reads &, < and > as markup; control characters become spaces. */
static int add_plain(vp_buf_t *t, const char *s) {
  int rc = 0;

  for (; s != NULL && *s != '\0'; s++) {
    if (*s == '&')
      rc |= vp_buf_adds(t, "&amp;");
    else if (*s == '<')
      rc |= vp_buf_adds(t, "&lt;");
    else if (*s == '>')
      rc |= vp_buf_adds(t, "&gt;");
    else
      rc |= vp_buf_addc(t, (unsigned char)*s < 0x20 ? ' ' : *s);
  }
  return rc;
}

static int slack_alert(vp_buf_t *t, const vigil_alert_t *a) {
  vp_alert_fields_t f;
  const char *sev = vp_severity_name(a->severity);
  int rc = 0;

  vp_alert_fields(a, &f);
  rc |= vp_buf_adds(t, "*[");
  for (; *sev != '\0'; sev++)
    rc |= vp_buf_addc(t, (char)toupper((unsigned char)*sev));
  rc |= vp_buf_adds(t, "] ");
  rc |= add_plain(t, a->title);
  rc |= vp_buf_adds(t, "*\n");
  rc |= add_plain(t, a->message);
  rc |= vp_buf_adds(t, "\nrule: ");
  rc |= add_plain(t, a->rule_id);
  if (f.actor[0] != '\0') {
    rc |= vp_buf_adds(t, " | actor: ");
    rc |= add_plain(t, f.actor);
  }
  if (f.event_time[0] != '\0') {
    rc |= vp_buf_adds(t, " | at: ");
    rc |= add_plain(t, f.event_time);
  }
  return rc;
}

static int slack_body(vp_buf_t *b, const vigil_alert_t *const *alerts, size_t n) {
  vp_buf_t t = {0};
  cJSON *o = NULL;
  char *printed = NULL, more[64];
  size_t i;
  int rc = 0;

  for (i = 0; i < n && rc == 0; i++) {
    if (t.len > WH_SLACK_MAX_TEXT) {
      snprintf(more, sizeof(more), "\n\n... and %zu more alerts", n - i);
      rc |= vp_buf_adds(&t, more);
      break;
    }
    if (i > 0)
      rc |= vp_buf_adds(&t, "\n\n");
    rc |= slack_alert(&t, alerts[i]);
  }
  rc |= vp_buf_addc(&t, '\0');
  if (rc == 0 && (o = cJSON_CreateObject()) != NULL &&
      cJSON_AddStringToObject(o, "text", t.p) != NULL)
    printed = cJSON_PrintUnformatted(o);
  rc = printed != NULL ? vp_buf_adds(b, printed) : -1;
  cJSON_free(printed);
  cJSON_Delete(o);
  vp_buf_free(&t);
  return rc;
}

int wh_payload(vp_buf_t *b, wh_format_t format, int array, const vigil_alert_t *const *alerts,
               size_t n) {
  b->len = 0;
  if (n == 0)
    return -1;
  if (format == WH_FORMAT_SLACK)
    return slack_body(b, alerts, n);
  return json_body(b, array, alerts, n);
}
