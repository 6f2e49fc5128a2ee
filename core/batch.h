/*
 * A batch: raw records of one source, copied back to back, on their way
 * from emit() to a worker. Entries are a header and the bytes (NUL ended,
 * padded to 8); a stream-name entry applies to the records after it.
 * A lines entry holds many records; the worker splits it, so the source
 * thread pays one copy and one lock for a whole run of lines.
 */
#ifndef VIGIL_BATCH_H
#define VIGIL_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "pipeline_int.h"

/* The size of a batch, unless one record needs more. */
#define VIGIL_BATCH_CAP (256u * 1024u)

/* Freed batches of VIGIL_BATCH_CAP kept for reuse, at most this many. */
#define VIGIL_BATCH_POOL 16

/* What an entry's bytes are. */
enum {
  VIGIL_ENTRY_JSON = 0,   /* one JSON text: a record, an envelope, an array */
  VIGIL_ENTRY_STREAM = 1, /* the stream name of the entries after it */
  VIGIL_ENTRY_LINES = 2   /* newline-delimited records (VIGIL_FORMAT_NDJSON) */
};

typedef struct vigil_entry_s {
  uint32_t len;
  uint32_t kind;         /* VIGIL_ENTRY_* */
  uint64_t line;         /* line of the first byte */
  vigil_track_t *track;  /* emit_acked() of these bytes, or NULL */
} vigil_entry_t;

struct vigil_batch_s {
  vigil_batch_t *next;
  vigil_host_t *src;
  uint64_t seq;          /* order among all batches, set when queued */
  size_t used;
  size_t cap;
  uint32_t nrec;
  const char *stream;    /* the last stream name put in (source side) */
  _Alignas(8) char data[];
};

#endif
