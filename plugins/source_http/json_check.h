/*
 * A strict check of one JSON text (the RFC 8259 grammar), building nothing.
 *
 * The http source checks a whole body before it emits any of it, so that
 * a malformed line is answered with 400 while nothing of that body has
 * entered the pipeline. Building a cJSON tree for that would cost several
 * times the body in memory on the loop thread; this walk allocates nothing
 * and nests up to VH_JSON_MAX_DEPTH without recursion. Like the core's
 * scanner it does not validate UTF-8 inside strings.
 */
#ifndef VH_JSON_CHECK_H
#define VH_JSON_CHECK_H

#include <stddef.h>

/* Matches the core scanner's limit, so what passes here passes there. */
#define VH_JSON_MAX_DEPTH 256

/*
 * Is p[0..n) exactly one JSON value, with only JSON blanks around it?
 * Returns 0, or -1 with *at set to the offset of the first offending byte
 * (n when the text ends too early) and *what to a static reason.
 */
int vh_json_check(const char *p, size_t n, size_t *at, const char **what);

#endif
