/* Renders a rule's output template: "{actor} detached {requestParameters.policyArn}". */
#ifndef VIGIL_TEMPLATE_H
#define VIGIL_TEMPLATE_H

#include <stddef.h>

#include "jdoc.h"

/* One of the alert's own fields (actor, account, region, ...), which a
 * template names before the event's; value NULL when the event has none. */
typedef struct vigil_tfield_s {
  const char *name;
  const char *value;
} vigil_tfield_t;

/*
 * Each {name} is looked up first among fields[0..nfields), then as a
 * dotted path in the record doc is reading (core/jdoc.h). Missing or null
 * values render as "?"; strings decoded; numbers as cJSON prints them;
 * objects and arrays as their JSON text on one line. "{{" writes a
 * literal "{". Returns a malloc'd string or NULL when out of memory.
 */
char *vigil_render(const char *tmpl, const vigil_tfield_t *fields, size_t nfields,
                   vigil_jdoc_t *doc);

#endif
