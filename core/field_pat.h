/*
 * Value patterns of `on.unless` (core/rule_on.c): "X" exact, "X*" a
 * prefix, "*X" a suffix, "*X*" a substring, "*" any string. Matching is
 * case-sensitive, on the decoded text of a JSON string. Shared by the fast
 * path (values read from the record's bytes) and the reference that works
 * on a parsed tree, so both decide alike.
 */
#ifndef VIGIL_FIELD_PAT_H
#define VIGIL_FIELD_PAT_H

#include <stddef.h>

typedef enum {
  VIGIL_FPAT_EXACT,
  VIGIL_FPAT_PREFIX,
  VIGIL_FPAT_SUFFIX,
  VIGIL_FPAT_CONTAINS,
  VIGIL_FPAT_ANY
} vigil_fpat_kind_t;

typedef struct vigil_fpat_s {
  vigil_fpat_kind_t kind;
  const char *s; /* the text between the stars (points into the pattern) */
  size_t len;
} vigil_fpat_t;

/* Reads pattern text into *p (which borrows text). 0, or -1 when a '*'
 * is anywhere but first or last, or nothing is left between the stars
 * ("", "**"). */
int vigil_fpat_parse(const char *text, vigil_fpat_t *p);

/* 1 when s[0..len) matches p. */
int vigil_fpat_hit(const vigil_fpat_t *p, const char *s, size_t len);

/* Whether needle[0..n) occurs in s[0..len) (memmem's answer, faster on
 * the short needles of *X* patterns); reads nothing outside s. */
int vigil_fpat_contains(const char *s, size_t len, const char *needle, size_t n);

#endif
