/*
 * One record read from its bytes on demand, for code that looks at a few
 * of its fields (rule conditions): the members of an object, or the
 * elements of an array, are listed the first time any of them is asked
 * for, and kept until the next record. Nothing is parsed into a tree.
 *
 * Lookups give what core/json_path.c gives on the record's cJSON tree: a
 * repeated name gives its last value, names compare as decoded C strings
 * (cut at a \u0000, as cJSON keeps them), array positions are 1-based and
 * written in decimal. The bytes must have been validated by the scanner
 * (core/scan.h); they are not copied and must outlive the record's use.
 */
#ifndef VIGIL_JDOC_H
#define VIGIL_JDOC_H

#include <stddef.h>
#include <stdint.h>

#include "scan.h"

typedef struct vigil_jdoc_s vigil_jdoc_t;

/* One entry of a container: for objects the member's decoded name (key,
 * klen) and value; for arrays key is NULL. */
typedef struct vigil_jdoc_ent_s {
  const char *key;
  size_t klen;
  uint64_t head; /* the key's first 8 bytes, zeros after a shorter one */
  vigil_jval_t val;
} vigil_jdoc_ent_t;

vigil_jdoc_t *vigil_jdoc_new(void);
void vigil_jdoc_free(vigil_jdoc_t *d);

/* Starts on a new record (the text of one JSON value); what was listed for
 * the previous one is dropped, its memory kept for reuse. */
void vigil_jdoc_reset(vigil_jdoc_t *d, const char *json, size_t len);

/* Gives the members of object obj of the record (NULL: the record itself;
 * in text order, every one of them) as a scan already read them, so they
 * are not read again. 0; -1 when out of memory or already listed (they
 * are then read when needed, or were). */
int vigil_jdoc_prime(vigil_jdoc_t *d, const vigil_jval_t *obj, const vigil_scan_member_t *m,
                     size_t n);

/* The record as a value (type VIGIL_J_NONE when its text is no value). */
vigil_jval_t vigil_jdoc_root(const vigil_jdoc_t *d);

/* The entries of container v in text order into *ents, their number into
 * *n. 0; -1 when v is not an object or array, or out of memory. The list
 * stays valid until the next reset. */
int vigil_jdoc_list(vigil_jdoc_t *d, const vigil_jval_t *v, const vigil_jdoc_ent_t **ents,
                    size_t *n);

/* Element i (from 1) of array v, as vigil_jdoc_child finds it by its
 * decimal text: 1, or 0 when v is no array or has no such element. */
int vigil_jdoc_index(vigil_jdoc_t *d, const vigil_jval_t *v, size_t i, vigil_jval_t *out);

/* The child of v named seg[0..len) (an object) or at the 1-based decimal
 * position seg (an array) into *out: 1, or 0 when there is none. */
int vigil_jdoc_child(vigil_jdoc_t *d, const vigil_jval_t *v, const char *seg, size_t len,
                     vigil_jval_t *out);

/* Follows the dotted path[0..len) from v, a segment at a time. */
int vigil_jdoc_path(vigil_jdoc_t *d, const vigil_jval_t *v, const char *path, size_t len,
                    vigil_jval_t *out);

/* String v decoded and cut at a NUL, as cJSON holds it: borrowed from the
 * record when it has no escapes, else kept until the next reset. NULL
 * when v is not a string or out of memory. */
const char *vigil_jdoc_str(vigil_jdoc_t *d, const vigil_jval_t *v, size_t *len);

/* vigil_jdoc_str into a buffer the doc reuses: valid only until the next
 * call of this function (for text copied at once, such as a Lua string:
 * code that reads one field many times must not grow the doc). */
const char *vigil_jdoc_str_tmp(vigil_jdoc_t *d, const vigil_jval_t *v, size_t *len);

/* vigil_jdoc_str as a NUL-terminated copy (kept until the next reset). */
const char *vigil_jdoc_cstr(vigil_jdoc_t *d, const vigil_jval_t *v);

/* The first member of object v named name (C string), as cJSON's own
 * lookup (cJSON_GetObjectItemCaseSensitive) finds it: 1, or 0. */
int vigil_jdoc_first(vigil_jdoc_t *d, const vigil_jval_t *v, const char *name,
                     vigil_jval_t *out);

/* Number v as cJSON reads it (strtod of its text). */
double vigil_jdoc_number(const vigil_jval_t *v);

#endif
