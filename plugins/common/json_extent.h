/*
 * Where a JSON value ends, found without parsing it: the sources use it to
 * tell JSON Lines from one document by the first line, and the follower to
 * know when a document it tails is whole. Brackets are counted and strings
 * skipped (escapes included); nothing else is validated, which the
 * scanning workers do.
 */
#ifndef VP_JSON_EXTENT_H
#define VP_JSON_EXTENT_H

#include <stddef.h>

/* Is p[0..n) exactly one complete JSON value, with only blanks around it? */
int vp_json_complete(const char *p, size_t n);

/* JSON's blanks and \f \v, as a line's blankness is judged. */
int vp_blank_char(char c);

/* Is p[0..n) only blanks (or empty)? */
int vp_blank(const char *p, size_t n);

#endif
