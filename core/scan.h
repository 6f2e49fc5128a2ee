/*
 * A validating JSON scanner that builds nothing.
 *
 * The event fast path: it finds a handful of top-level values of an object
 * (eventSource, eventName, ...) by walking the bytes once, skipping every
 * other value while checking that it is well-formed JSON (RFC 8259 grammar:
 * strings with valid escapes and no raw control characters, numbers,
 * literals, nesting up to VIGIL_SCAN_MAX_DEPTH). It never allocates, so an
 * event that matches no rule costs one pass over its bytes and nothing more.
 * UTF-8 is not validated (bytes >= 0x80 pass as they are, as in cJSON).
 * Buffers need no NUL terminator: nothing past buf + len is read.
 */
#ifndef VIGIL_SCAN_H
#define VIGIL_SCAN_H

#include <stddef.h>
#include <stdint.h>

#define VIGIL_SCAN_MAX_DEPTH 256

typedef enum vigil_jtype_e {
  VIGIL_J_NONE = 0, /* absent */
  VIGIL_J_STRING,
  VIGIL_J_NUMBER,
  VIGIL_J_OBJECT,
  VIGIL_J_ARRAY,
  VIGIL_J_TRUE,
  VIGIL_J_FALSE,
  VIGIL_J_NULL
} vigil_jtype_t;

/*
 * One value found in the buffer. For strings, p/len cover the characters
 * between the quotes, still escaped (escaped is non-zero when a backslash
 * occurs). For every other type, p/len cover the value's whole text
 * (an object from '{' to '}', a number's digits, ...).
 */
typedef struct vigil_jval_s {
  vigil_jtype_t type;
  int escaped;
  const char *p;
  size_t len;
} vigil_jval_t;

/* Why a scan failed and where (byte offset from the start of the buffer). */
typedef struct vigil_scan_err_s {
  size_t offset;
  const char *what; /* static text: "unterminated string", ... */
} vigil_scan_err_t;

/*
 * Scans the JSON text buf[0..len) which must be exactly one object
 * (whitespace allowed around it). For each i < nkeys, vals[i] receives the
 * value of top-level member keys[i] (type VIGIL_J_NONE when absent; the
 * last occurrence wins when a key repeats). Member names compare as cJSON
 * reads them: escapes decoded, cut at a \u0000 (so "event\u004eame" is
 * eventName, and a record cannot hide a field from the index by spelling
 * it that way). Keys of nested objects never match.
 * Returns 0 on success; -1 on malformed input, with err filled (err may be
 * NULL) and every vals[i] VIGIL_J_NONE. Also -1 when the text is valid
 * JSON but not an object (err->what says "not an object"). The object
 * itself counts as one of the VIGIL_SCAN_MAX_DEPTH levels.
 */
int vigil_scan_object(const char *buf, size_t len, const char *const *keys, size_t nkeys,
                      vigil_jval_t *vals, vigil_scan_err_t *err);

/* Every member of an object, in text order (names as string values). */
typedef struct vigil_scan_member_s {
  vigil_jval_t name;
  vigil_jval_t val;
} vigil_scan_member_t;

typedef struct vigil_scan_members_s {
  vigil_scan_member_t *m; /* room for cap members, the caller's */
  size_t cap;
  size_t n;
  int complete;           /* 0 when the object had more than cap */
} vigil_scan_members_t;

/* vigil_scan_object that also notes the object's members in *all (its
 * n and complete set; n is 0 on failure): one pass for both. */
int vigil_scan_object_all(const char *buf, size_t len, const char *const *keys, size_t nkeys,
                          vigil_jval_t *vals, vigil_scan_members_t *all, vigil_scan_err_t *err);

/* One top-level member whose object value is read in the same pass, for
 * keys of its own: vals[i] gets the value of its member keys[i], as
 * vigil_scan_object would give it on that object (VIGIL_J_NONE when
 * absent, when the member is not an object, or on failure); a repeated
 * member name gives its last occurrence's. name is compared as decoded. */
/* Keys prepared once for many scans (vigil_scan_keys_init), so a caller
 * that scans many records for the same keys does not file them again per
 * record. Up to VIGIL_SCAN_FAST_KEYS are filed in 64 chains by a hash of
 * their bytes, with their first and last 8 bytes, so a member name is
 * compared only with the keys of its chain and, for names of 8 bytes or
 * more, by two words (CloudTrail names share lengths and first letters:
 * eventName, eventTime, eventType); any beyond are compared one by one.
 * It points into keys, which must outlive it. */
#define VIGIL_SCAN_FAST_KEYS 48
typedef struct vigil_scan_keys_s {
  const char *const *keys;
  size_t n;
  size_t klen[VIGIL_SCAN_FAST_KEYS];
  unsigned char first[64];                 /* 1 + first key of that chain, 0 none */
  unsigned char next[VIGIL_SCAN_FAST_KEYS]; /* 1 + next key of the same chain, 0 none */
  uint64_t head[VIGIL_SCAN_FAST_KEYS];
  uint64_t tail[VIGIL_SCAN_FAST_KEYS];
} vigil_scan_keys_t;

void vigil_scan_keys_init(vigil_scan_keys_t *ks, const char *const *keys, size_t nkeys);

typedef struct vigil_scan_nest_s {
  const char *name;
  size_t nlen;
  const char *const *keys;
  size_t nkeys;
  vigil_jval_t *vals;
  const vigil_scan_keys_t *ks; /* keys prepared, or NULL (prepared per use) */
  /* Every member of that object, or NULL: not wanted. complete is 1 only
   * when the last member of the name had an object that all fit in it. */
  vigil_scan_members_t *all;
} vigil_scan_nest_t;

/* vigil_scan_object_all, reading nest's object too (nest may be NULL). */
int vigil_scan_object_nest(const char *buf, size_t len, const char *const *keys, size_t nkeys,
                           vigil_jval_t *vals, vigil_scan_members_t *all,
                           const vigil_scan_nest_t *nest, vigil_scan_err_t *err);

/* The same with keys prepared (vals has ks->n slots). */
int vigil_scan_object_keys(const char *buf, size_t len, const vigil_scan_keys_t *ks,
                           vigil_jval_t *vals, vigil_scan_members_t *all,
                           const vigil_scan_nest_t *nest, vigil_scan_err_t *err);

/* vigil_scan_object for text it has already accepted (a record, or a value
 * inside one), read again without checking it: the same values for the
 * same keys, several times faster. Text it never accepted gives values
 * that are not to be trusted, never a read outside buf[0..len). 0, or -1
 * when buf holds no object. */
int vigil_scan_object_valid(const char *buf, size_t len, const char *const *keys, size_t nkeys,
                            vigil_jval_t *vals);
int vigil_scan_object_valid_keys(const char *buf, size_t len, const vigil_scan_keys_t *ks,
                                 vigil_jval_t *vals);

/* Validates that buf[0..len) is exactly one JSON value (any type) and
 * returns 0, or -1 with err filled. Fills *out with the value when out
 * is not NULL. */
int vigil_scan_value(const char *buf, size_t len, vigil_jval_t *out, vigil_scan_err_t *err);

/*
 * Walks the elements of an array value previously returned by the scanner
 * (type VIGIL_J_ARRAY; its text from '[' to ']'):
 *
 *   vigil_scan_iter_t it;
 *   vigil_scan_array_begin(&it, &arr);
 *   while ((rc = vigil_scan_array_next(&it, &elem, &err)) == 1) ...
 *
 * next() returns 1 with the element in *elem, 0 at the end (and again
 * after that), -1 on malformed input (err offsets are relative to the
 * array's first byte; calling again gives the same error). It checks what
 * it walks, so arr may also be made by hand over text not yet validated:
 * {VIGIL_J_ARRAY, 0, p, len} with p at the '[' and only whitespace allowed
 * after the matching ']'. Anything but an array gives "not an array".
 */
typedef struct vigil_scan_iter_s {
  const char *base;
  const char *p;
  const char *end;
  size_t index;
} vigil_scan_iter_t;

void vigil_scan_array_begin(vigil_scan_iter_t *it, const vigil_jval_t *arr);
int vigil_scan_array_next(vigil_scan_iter_t *it, vigil_jval_t *elem, vigil_scan_err_t *err);

/*
 * Walks the members of an object value the same way: next() returns 1
 * with the member's name (a string value: the text between its quotes,
 * escaped set when it holds a backslash) and its value, 0 at the end, -1
 * on malformed input. Members come in text order, repeated names too.
 */
void vigil_scan_members_begin(vigil_scan_iter_t *it, const vigil_jval_t *obj);
int vigil_scan_members_next(vigil_scan_iter_t *it, vigil_jval_t *name, vigil_jval_t *val,
                            vigil_scan_err_t *err);

/* vigil_scan_array_next for an array of records: an object element is
 * checked and read in the same pass for ks's keys, nest and all (as
 * vigil_scan_object_keys reads a record); they are cleared for any other
 * element and on failure. */
int vigil_scan_array_next_record(vigil_scan_iter_t *it, const vigil_scan_keys_t *ks,
                                 vigil_jval_t *vals, vigil_scan_members_t *all,
                                 const vigil_scan_nest_t *nest, vigil_jval_t *elem,
                                 vigil_scan_err_t *err);

/* 1 when v is a string equal to the C string s (handles escapes in v, so
 * a \u0000 in v never matches), else 0. */
int vigil_jval_streq(const vigil_jval_t *v, const char *s);

/*
 * Copies string value v into out (cap bytes, always terminated), decoding
 * escapes (\uXXXX and surrogate pairs to UTF-8; a lone surrogate becomes
 * U+FFFD, \u0000 a NUL byte). Returns the decoded length, which may exceed
 * cap - 1 when truncated; a truncated copy never ends inside a UTF-8
 * character. As with snprintf, cap 0 writes nothing (out may be NULL) and
 * still returns the decoded length. For a non-string: 0, and out "".
 */
size_t vigil_jval_str(const vigil_jval_t *v, char *out, size_t cap);

#endif
