/*
 * The on-disk spool of one sink: alerts the sink could not take, kept in
 * order until it can (DESIGN.md's delivery promise; docs/delivery.md).
 *
 * A folder of append-only segment files "<16-digit number>.seg". Each
 * starts with an 8-byte magic; each record is a 12-byte header (magic,
 * payload length, CRC-32 of the payload) and the payload (severity, event
 * time, rule id, title, message, alert JSON). A file "cursor" says how far
 * replay has got (segment and offset). Appends are written and fdatasync'd
 * before vigil_spool_append() returns, so an appended alert survives a
 * crash of the process or the machine. The cursor is replaced by rename
 * without fsync: losing it replays what it covered again (duplicates, not
 * losses). Segments wholly behind the cursor are deleted.
 */
#ifndef VIGIL_SPOOL_H
#define VIGIL_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/plugin.h"

typedef struct vigil_spool_s vigil_spool_t;

/* A place in the spool: the record starting at `off` of segment `seg`. */
typedef struct vigil_spool_pos_s {
  uint64_t seg;
  uint64_t off;
} vigil_spool_pos_t;

/* One alert read back; the strings are owned by it (vigil_spool_rec_free). */
typedef struct vigil_spool_rec_s {
  vigil_alert_t pub;
  char *buf; /* holds every string pub points to */
  vigil_spool_pos_t end; /* where the next record starts */
} vigil_spool_rec_t;

/*
 * Opens (creating) the spool folder `dir`, holding at most max_bytes of
 * segment files. Reads the cursor and counts the records after it; a torn
 * or corrupt record is logged (file and offset) and ends its segment.
 * `who` tags log lines. Returns VIGIL_OK, or a status with err filled.
 */
int vigil_spool_open(const char *dir, uint64_t max_bytes, const char *who, vigil_spool_t **out,
                     char *err, size_t errlen);
void vigil_spool_close(vigil_spool_t *sp);

/* Appends one alert durably. VIGIL_EAGAIN: no room (nothing written);
 * VIGIL_EINVAL: larger than the whole spool; VIGIL_EIO: err says why. */
int vigil_spool_append(vigil_spool_t *sp, const vigil_alert_t *a, char *err, size_t errlen);

/* Where replay starts: the cursor. */
vigil_spool_pos_t vigil_spool_cursor(const vigil_spool_t *sp);

/* Reads the record at *pos into rec and moves *pos past it. Returns 1 for
 * a record, 0 at the end of the spool, a negative status on error. */
int vigil_spool_read(vigil_spool_t *sp, vigil_spool_pos_t *pos, vigil_spool_rec_t *rec);
void vigil_spool_rec_free(vigil_spool_rec_t *rec);

/* Marks everything before `upto` delivered (`n` records): moves and saves
 * the cursor, deletes segments behind it. */
int vigil_spool_consume(vigil_spool_t *sp, vigil_spool_pos_t upto, uint64_t n);

/* Records waiting (appended, not consumed) and bytes of segment files. */
uint64_t vigil_spool_count(const vigil_spool_t *sp);
uint64_t vigil_spool_bytes(const vigil_spool_t *sp);

#endif
