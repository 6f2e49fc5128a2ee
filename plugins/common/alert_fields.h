/*
 * The few alert fields the network sinks show besides what vigil_alert_t
 * carries (the acting principal, the event's own time), read from the
 * alert's JSON, and the severity names of DESIGN.md's alert model.
 */
#ifndef VP_ALERT_FIELDS_H
#define VP_ALERT_FIELDS_H

#include <vigil/plugin.h>

typedef struct vp_alert_fields_s {
  char actor[512];      /* "actor", or "" */
  char event_time[40];  /* "event_time" as the record gave it, or "" */
} vp_alert_fields_t;

/* Fills f (fields absent or not strings stay ""). Returns 0, or -1 when
 * the alert's JSON cannot be parsed (f is all empty then). */
int vp_alert_fields(const vigil_alert_t *a, vp_alert_fields_t *f);

/* "info", "low", "medium", "high", "critical", or "unknown". */
const char *vp_severity_name(vigil_severity_t s);

#endif
