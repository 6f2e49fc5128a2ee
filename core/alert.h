/* Building an alert from a rule that fired on an event (DESIGN.md's alert model). */
#ifndef VIGIL_ALERT_H
#define VIGIL_ALERT_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "jdoc.h"
#include "rules.h"
#include "vigil/plugin.h"

/* Where the event came from; every alert and error names it. */
typedef struct vigil_origin_s {
  const char *source; /* source instance name */
  const char *stream; /* file path or stream name */
  uint64_t line;      /* 1-based; 0 when unknown */
  uint64_t record;    /* 0-based index of the record in its document */
} vigil_origin_t;

/* An alert on its way to the sinks. `pub` is what sinks see; the strings
 * it points to are owned here: rule_id, title and message live in the
 * item's own block, json in a second one. */
typedef struct vigil_alert_item_s {
  vigil_alert_t pub;
  char *json;
  char *rule_id;
  char *title;
  char *message;
  int pending;      /* sinks that have not reported yet */
  int failed;       /* sinks that gave up on it */
  int attempts;
  int worker;       /* the worker that made it, -1 none (vigil_alert_give_back) */
  struct vigil_track_s *track; /* emit_acked() it came from, or NULL */
  struct vigil_alert_item_s *next;
} vigil_alert_item_t;

/*
 * Builds the alert for rule r on event. ctx (may be NULL) is the rule's
 * extra context and is taken over. now_ms is the detection time.
 * Returns NULL when out of memory.
 */
vigil_alert_item_t *vigil_alert_build(const vigil_rule_t *r, const cJSON *event, cJSON *ctx,
                                      const vigil_origin_t *origin, int64_t now_ms);

/* What an evaluation decided beyond the rule's static fields. */
typedef struct vigil_alert_opts_s {
  const char *title;           /* NULL: the rule's */
  vigil_severity_t severity;
  uint64_t duplicates;         /* matching events this alert stands for (>= 1) */
} vigil_alert_opts_t;

vigil_alert_item_t *vigil_alert_build_ex(const vigil_rule_t *r, const cJSON *event, cJSON *ctx,
                                         const vigil_origin_t *origin, int64_t now_ms,
                                         const vigil_alert_opts_t *o);

/* The same on the record doc reads (core/jdoc.h), which must stay
 * begun until the call returns: fields and the template are read from
 * its bytes and the event goes into the alert as its own JSON text on
 * one line (whitespace between tokens dropped, escapes and numbers as
 * written), so building an alert parses nothing. The tree forms above
 * print the tree and come here. */
vigil_alert_item_t *vigil_alert_build_doc(const vigil_rule_t *r, vigil_jdoc_t *doc, cJSON *ctx,
                                          const vigil_origin_t *origin, int64_t now_ms,
                                          const vigil_alert_opts_t *o);
void vigil_alert_free(vigil_alert_item_t *a);

#endif
