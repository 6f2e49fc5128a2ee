/*
 * The body of one POST.
 *
 *   json   batch_max 1: the alert object itself, exactly as the host made
 *          it. batch_max > 1: a JSON array of alert objects, even when a
 *          batch happens to hold one alert, so a receiver sees one shape.
 *   slack  {"text": "..."} as Slack incoming webhooks (and Mattermost,
 *          Rocket.Chat, ...) take it: per alert a bold first line
 *          "[SEVERITY] title", the message, then rule id, actor and event
 *          time; alerts of one batch are separated by a blank line.
 */
#ifndef WH_PAYLOAD_H
#define WH_PAYLOAD_H

#include <stddef.h>

#include <vigil/plugin.h>

#include "output.h"

typedef enum wh_format_e { WH_FORMAT_JSON = 0, WH_FORMAT_SLACK = 1 } wh_format_t;

/* Slack refuses longer texts; the last alerts of a huge batch are summed
 * up as "... and N more alerts" instead. */
#define WH_SLACK_MAX_TEXT 35000

/* Builds the body for alerts[0..n) into b (emptied first). `array` asks
 * for the JSON array form. Returns 0 or -1 when out of memory. */
int wh_payload(vp_buf_t *b, wh_format_t format, int array, const vigil_alert_t *const *alerts,
               size_t n);

#endif
