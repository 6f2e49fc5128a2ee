/*
 * What the http source does with a request body before anything is
 * emitted: gunzip it (bounded), find its JSON texts and check every one.
 *
 * The format is found from the content, as the file source does: JSON
 * Lines when the first non-blank line is by itself one complete JSON value,
 * otherwise one JSON document (a CloudTrail `{"Records":[...]}` object, an
 * EventBridge event, an array of either, pretty-printed or not). Each text
 * must be an object or an array; a bare number or string is not an event.
 */
#ifndef VH_HTTP_BODY_H
#define VH_HTTP_BODY_H

#include <stddef.h>
#include <stdint.h>

/* One JSON text inside the (decoded) body. */
typedef struct vh_text_s {
  size_t off, len;
  uint64_t line; /* 1-based line of its first byte */
} vh_text_t;

typedef struct vh_texts_s {
  vh_text_t *v;
  size_t n, cap;
} vh_texts_t;

enum {
  VH_BODY_OK = 0,
  VH_BODY_BAD = -1,   /* malformed: answer 400 with the message */
  VH_BODY_LARGE = -2, /* inflates past the limit: 413 */
  VH_BODY_NOMEM = -3  /* 500 */
};

/*
 * Inflates a gzip body (several members are read as one stream, as
 * gzip(1) does) into a malloc'd *out of at most `limit` bytes. Returns a
 * VH_BODY_* code; on failure err says why.
 */
int vh_gunzip(const char *in, size_t n, size_t limit, char **out, size_t *outlen, char *err,
              size_t errlen);

/*
 * Splits p[0..n) into JSON texts (appended to `out`) and checks each.
 * Returns VH_BODY_OK, VH_BODY_BAD with err naming the line and column, or
 * VH_BODY_NOMEM. A body with no JSON text at all is VH_BODY_BAD.
 */
int vh_body_split(const char *p, size_t n, vh_texts_t *out, char *err, size_t errlen);

void vh_texts_free(vh_texts_t *t);

#endif
