/*
 * One alert as an RFC 5424 syslog message:
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ID ...] MSG
 *
 *   PRI        facility * 8 + severity, the alert's severity mapped as
 *              critical 2 (crit), high 3 (err), medium 4 (warning),
 *              low 5 (notice), info 6 (info)
 *   TIMESTAMP  when the alert was sent, UTC with milliseconds (the event's
 *              own time is in the structured data)
 *   HOSTNAME   configured, else this machine's name
 *   APP-NAME   "vigil" unless configured; PROCID the process id
 *   MSGID      the rule id, cut to 32 characters, bytes outside printable
 *              ASCII replaced by '_'
 *   SD         one element, SD-ID configurable, with the parameters rule,
 *              severity, actor and eventTime (absent ones left out)
 *   MSG        the alert's message line, or its JSON (option), without a
 *              BOM; cut at a UTF-8 boundary to keep the whole message
 *              within max_message_bytes
 *
 * Header fields and parameter values are made safe: header fields keep
 * printable ASCII only; in values '"', '\' and ']' are escaped, control
 * bytes become spaces and bytes that are not UTF-8 become '?'.
 */
#ifndef SL_SYSLOG_FORMAT_H
#define SL_SYSLOG_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include <vigil/plugin.h>

#include "output.h"

typedef struct sl_format_s {
  int facility;       /* 0..23 */
  const char *hostname;
  const char *app_name;
  const char *sd_id;
  int msg_json;       /* MSG is the alert JSON rather than its message */
  size_t max_bytes;   /* whole message, framing excluded */
  long procid;
} sl_format_t;

/* The syslog severity for an alert severity (2..6). */
int sl_severity(vigil_severity_t s);

/* Facility number for a name ("authpriv", "local0", ...), or -1. */
int sl_facility(const char *name);

/* Is s a valid SD-ID (1-32 printable ASCII but '=', ' ', ']', '"')? */
int sl_valid_sd_id(const char *s);

/*
 * Appends the message for `a`, stamped `now_ms`, to b. Returns 0, or -1
 * when out of memory. Sets *cut when MSG was shortened to fit.
 */
int sl_format(vp_buf_t *b, const sl_format_t *f, const vigil_alert_t *a, int64_t now_ms,
              int *cut);

#endif
