/* An alert as one line for a person at a terminal. */
#ifndef VP_ALERT_LINE_H
#define VP_ALERT_LINE_H

#include <vigil/plugin.h>

#include "output.h"

/*
 * Appends "<time> <SEVERITY> <rule_id> <message>\n" to b, the time as
 * ISO-8601 UTC seconds. With `color` the severity is wrapped in its ANSI
 * colour. Control characters from the alert become spaces, so event data
 * can neither break the line nor send escape sequences to the terminal.
 * Returns 0 or -1 when out of memory.
 */
int vp_alert_line(vp_buf_t *b, const vigil_alert_t *a, int color);

#endif
