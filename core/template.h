/* Renders a rule's output template: "{actor} detached {requestParameters.policyArn}". */
#ifndef VIGIL_TEMPLATE_H
#define VIGIL_TEMPLATE_H

#include <cjson/cJSON.h>

/*
 * Each {name} is looked up first among the alert's own fields (fields, an
 * object such as {"actor": ..., "account": ...}), then as a dotted path in
 * the event. Missing or null values render as "?"; objects and arrays as
 * compact JSON. "{{" writes a literal "{". Returns a malloc'd string or
 * NULL when out of memory.
 */
char *vigil_render(const char *tmpl, const cJSON *fields, const cJSON *event);

#endif
