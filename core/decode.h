/*
 * From one emitted JSON text to CloudTrail records, without building trees.
 *
 * Accepted shapes: a record; an S3 object {"Records":[...]}; a bare array of
 * records; an EventBridge event whose "detail" is a record ("AWS API Call
 * via CloudTrail" and friends). Digest files are counted and skipped;
 * other JSON is counted as "not CloudTrail". A malformed record is reported
 * (line and record index) and the records around it still come out; a
 * document that breaks mid-array yields the records before the break.
 */
#ifndef VIGIL_DECODE_H
#define VIGIL_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "scan.h"

enum {
  VIGIL_K_EVENT_SOURCE,
  VIGIL_K_EVENT_NAME,
  VIGIL_K_ERROR_CODE,
  VIGIL_K_USER_IDENTITY,
  VIGIL_K_EVENT_TIME,
  VIGIL_K_TIMESTAMP, /* Logstash's @timestamp, in place of eventTime */
  VIGIL_K_RECORDS,
  VIGIL_K_DETAIL_TYPE,
  VIGIL_K_DETAIL,
  VIGIL_K_DIGEST_START,
  VIGIL_K_EVENT_TYPE,
  VIGIL_K_COUNT
};

/* The members of userIdentity read in the same pass (vigil_record_t.uid):
 * its type, and what names the acting principal. */
enum {
  VIGIL_U_TYPE,
  VIGIL_U_ARN,
  VIGIL_U_INVOKED_BY,
  VIGIL_U_USER_NAME,
  VIGIL_U_ON_BEHALF_OF,
  VIGIL_U_PRINCIPAL_ID,
  VIGIL_U_COUNT
};

/* Top-level fields a caller may add to the ones above (vigil_decode_ex). */
#define VIGIL_K_EXTRA_MAX 24
/* Top-level members a record may have for vigil_record_t.members. */
#define VIGIL_DECODE_MEMBERS 64
/* userIdentity's members a record may have for vigil_record_t.uid_members. */
#define VIGIL_DECODE_UID_MEMBERS 16

/* One record found in the text: its bytes and the scanned fields, the
 * caller's extra ones from f[VIGIL_K_COUNT] on. */
typedef struct vigil_record_s {
  const char *p;
  size_t len;
  vigil_jval_t f[VIGIL_K_COUNT + VIGIL_K_EXTRA_MAX];
  vigil_jval_t uid[VIGIL_U_COUNT]; /* in f[VIGIL_K_USER_IDENTITY], when an object */
  uint64_t line;   /* line of the record's first byte */
  uint64_t index;  /* 0-based position in its document */
  /* Every top-level member of the record, read in the same pass; NULL (0)
   * when it had more than VIGIL_DECODE_MEMBERS. Valid during the callback. */
  const vigil_scan_member_t *members;
  size_t nmembers;
  /* The members of f[VIGIL_K_USER_IDENTITY] when it is an object, read in
   * the same pass; NULL (0) otherwise or when it had more than
   * VIGIL_DECODE_UID_MEMBERS. Valid during the callback. */
  const vigil_scan_member_t *uid_members;
  size_t nuid;
} vigil_record_t;

typedef struct vigil_decode_stats_s {
  uint64_t records;
  uint64_t digests;
  uint64_t other;  /* valid JSON that is not a CloudTrail record */
  uint64_t errors;
} vigil_decode_stats_t;

typedef struct vigil_decode_cb_s {
  void (*record)(void *arg, const vigil_record_t *rec);
  /* line: where it happened; record: index or -1 when not in a record. */
  void (*error)(void *arg, uint64_t line, int64_t record, const char *msg);
  void *arg;
} vigil_decode_cb_t;

/* The keys a decoder reads, prepared once for many texts (a batch of
 * records): the fixed ones above, then the caller's extra ones. It points
 * into itself: initialize it where it stays. */
typedef struct vigil_decoder_s {
  const char *keys[VIGIL_K_COUNT + VIGIL_K_EXTRA_MAX];
  size_t nkeys;
  vigil_scan_keys_t ks;
  vigil_scan_keys_t uid_ks;
} vigil_decoder_t;

/* Prepares d for extra[0..nextra) (at most VIGIL_K_EXTRA_MAX are read). */
void vigil_decoder_init(vigil_decoder_t *d, const char *const *extra, size_t nextra);

/* vigil_decode_ex with keys prepared by vigil_decoder_init. */
void vigil_decode_with(const vigil_decoder_t *d, const char *buf, size_t len,
                       uint64_t first_line, const vigil_decode_cb_t *cb,
                       vigil_decode_stats_t *st);

/* Decodes buf[0..len), whose first byte is on line first_line. Counts go
 * into st (added to). */
void vigil_decode(const char *buf, size_t len, uint64_t first_line, const vigil_decode_cb_t *cb,
                  vigil_decode_stats_t *st);

/* The same, also reading the top-level members named extra[0..nextra)
 * (at most VIGIL_K_EXTRA_MAX; more are ignored) of each record into
 * rec->f[VIGIL_K_COUNT + i], in the same pass over its bytes. */
void vigil_decode_ex(const char *buf, size_t len, uint64_t first_line,
                     const char *const *extra, size_t nextra, const vigil_decode_cb_t *cb,
                     vigil_decode_stats_t *st);

#endif
