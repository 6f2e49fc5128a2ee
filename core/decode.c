#include "decode.h"

#include <stdio.h>
#include <string.h>

static const char *const keys[VIGIL_K_COUNT] = {
    [VIGIL_K_EVENT_SOURCE] = "eventSource",   [VIGIL_K_EVENT_NAME] = "eventName",
    [VIGIL_K_ERROR_CODE] = "errorCode",       [VIGIL_K_USER_IDENTITY] = "userIdentity",
    [VIGIL_K_EVENT_TIME] = "eventTime",       [VIGIL_K_TIMESTAMP] = "@timestamp",
    [VIGIL_K_RECORDS] = "Records",            [VIGIL_K_DETAIL_TYPE] = "detail-type",
    [VIGIL_K_DETAIL] = "detail",              [VIGIL_K_DIGEST_START] = "digestStartTime",
    [VIGIL_K_EVENT_TYPE] = "eventType"};

static const char *const uid_keys[VIGIL_U_COUNT] = {
    [VIGIL_U_TYPE] = "type",           [VIGIL_U_ARN] = "arn",
    [VIGIL_U_INVOKED_BY] = "invokedBy", [VIGIL_U_USER_NAME] = "userName",
    [VIGIL_U_ON_BEHALF_OF] = "onBehalfOf", [VIGIL_U_PRINCIPAL_ID] = "principalId"};

/* Line bookkeeping over one text: lines are counted lazily, forward only. */
#define NALL (VIGIL_K_COUNT + VIGIL_K_EXTRA_MAX)

typedef struct ctx_s {
  const vigil_decoder_t *d; /* the keys: the fixed ones, then the caller's */
  size_t nkeys;
  vigil_scan_members_t all; /* the members of the object scanned last */
  vigil_jval_t uid[VIGIL_U_COUNT]; /* its userIdentity's, through nest */
  vigil_scan_members_t uall;       /* and that object's members */
  vigil_scan_nest_t nest;
  const char *buf;
  const char *counted; /* lines are known up to here */
  uint64_t line;       /* line of *counted */
  const vigil_decode_cb_t *cb;
  vigil_decode_stats_t *st;
} ctx_t;

static uint64_t line_at(ctx_t *c, const char *p) {
  const char *nl;

  while (c->counted < p && (nl = memchr(c->counted, '\n', (size_t)(p - c->counted)))) {
    c->line++;
    c->counted = nl + 1;
  }
  if (c->counted < p)
    c->counted = p;
  return c->line;
}

static void fail_at(ctx_t *c, const char *at, int64_t record, const char *fmt, const char *what) {
  char msg[256];

  snprintf(msg, sizeof(msg), fmt, what);
  c->st->errors++;
  if (c->cb->error)
    c->cb->error(c->cb->arg, line_at(c, at), record, msg);
}

static int is_record(const vigil_jval_t *f) {
  return f[VIGIL_K_EVENT_NAME].type == VIGIL_J_STRING &&
         (f[VIGIL_K_EVENT_TIME].type == VIGIL_J_STRING ||
          f[VIGIL_K_TIMESTAMP].type == VIGIL_J_STRING);
}

static void deliver(ctx_t *c, const vigil_jval_t *obj, vigil_jval_t *f, uint64_t index) {
  vigil_record_t rec;

  rec.p = obj->p;
  rec.len = obj->len;
  memcpy(rec.f, f, c->nkeys * sizeof(vigil_jval_t));
  memcpy(rec.uid, c->uid, sizeof(rec.uid));
  rec.line = line_at(c, obj->p);
  rec.index = index;
  /* The last scan was this object's (classify scans a detail itself). */
  rec.members = c->all.complete && c->all.n ? c->all.m : NULL;
  rec.nmembers = rec.members ? c->all.n : 0;
  rec.uid_members = c->uall.complete && f[VIGIL_K_USER_IDENTITY].type == VIGIL_J_OBJECT
                        ? c->uall.m
                        : NULL;
  rec.nuid = rec.uid_members ? c->uall.n : 0;
  c->st->records++;
  c->cb->record(c->cb->arg, &rec);
}

/* One object that should be a record, possibly wrapped by EventBridge.
 * f holds its scanned fields. */
static void classify(ctx_t *c, const vigil_jval_t *obj, vigil_jval_t *f, uint64_t index) {
  vigil_jval_t inner[NALL];
  vigil_scan_err_t err;

  if (is_record(f)) {
    deliver(c, obj, f, index);
  } else if (f[VIGIL_K_EVENT_NAME].type != VIGIL_J_NONE &&
             f[VIGIL_K_EVENT_NAME].type != VIGIL_J_STRING) {
    /* Looks like a record but cannot be indexed: an error, not "other". */
    fail_at(c, f[VIGIL_K_EVENT_NAME].p, (int64_t)index, "%s", "eventName is not a string");
  } else if (f[VIGIL_K_DETAIL].type == VIGIL_J_OBJECT &&
             f[VIGIL_K_DETAIL_TYPE].type == VIGIL_J_STRING) {
    if (vigil_scan_object_keys(f[VIGIL_K_DETAIL].p, f[VIGIL_K_DETAIL].len, &c->d->ks, inner,
                               &c->all, &c->nest, &err) == 0 && is_record(inner))
      deliver(c, &f[VIGIL_K_DETAIL], inner, index);
    else
      c->st->other++;
  } else if (f[VIGIL_K_DIGEST_START].type != VIGIL_J_NONE) {
    c->st->digests++;
  } else {
    c->st->other++;
  }
}

/* Walks an array of records. Returns the number of elements consumed
 * before an error, or -1 when it ended cleanly. */
static int64_t walk(ctx_t *c, const vigil_jval_t *arr, int report) {
  vigil_scan_iter_t it;
  vigil_scan_err_t err;
  vigil_jval_t elem;
  vigil_jval_t f[NALL];
  int rc;

  vigil_scan_array_begin(&it, arr);
  /* Each element is checked and its fields read in one pass. */
  while ((rc = vigil_scan_array_next_record(&it, &c->d->ks, f, &c->all, &c->nest, &elem,
                                            &err)) == 1) {
    if (elem.type != VIGIL_J_OBJECT) {
      fail_at(c, elem.p, (int64_t)it.index - 1, "record is a JSON %s, not an object",
            elem.type == VIGIL_J_ARRAY ? "array" : "scalar");
      continue;
    }
    classify(c, &elem, f, it.index - 1);
  }
  if (rc < 0) {
    if (report)
      fail_at(c, arr->p + err.offset, (int64_t)it.index, "malformed JSON: %s", err.what);
    return (int64_t)it.index;
  }
  return -1;
}

/* The whole text failed to scan. CloudTrail writes {"Records":[ first, so
 * when that prefix is there, keep the records before the break. */
static void salvage(ctx_t *c, const char *p, const char *end, const vigil_scan_err_t *whole) {
  static const char prefix[] = "\"Records\"";
  vigil_jval_t arr;
  int64_t n = 0;
  char what[160];

  p++;
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  if ((size_t)(end - p) > sizeof(prefix) && memcmp(p, prefix, sizeof(prefix) - 1) == 0) {
    p += sizeof(prefix) - 1;
    while (p < end && *p != '[' && (*p == ' ' || *p == ':' || *p == '\n' || *p == '\r' ||
                                    *p == '\t'))
      p++;
    if (p < end && *p == '[') {
      arr.type = VIGIL_J_ARRAY;
      arr.p = p;
      arr.len = (size_t)(end - p);
      n = walk(c, &arr, 0);
      if (n < 0)
        n = 0;
    }
  }
  if (n > 0)
    snprintf(what, sizeof(what), "%s (the document breaks here; the %lld records before it "
             "were read, the rest of this document is skipped)", whole->what, (long long)n);
  else
    snprintf(what, sizeof(what), "%s", whole->what);
  fail_at(c, c->buf + whole->offset, n ? n : -1, "malformed JSON: %s", what);
}

void vigil_decode(const char *buf, size_t len, uint64_t first_line, const vigil_decode_cb_t *cb,
                  vigil_decode_stats_t *st) {
  vigil_decode_ex(buf, len, first_line, NULL, 0, cb, st);
}

void vigil_decoder_init(vigil_decoder_t *d, const char *const *extra, size_t nextra) {
  memcpy(d->keys, keys, sizeof(keys));
  d->nkeys = VIGIL_K_COUNT;
  for (; extra && d->nkeys < NALL && nextra > 0; nextra--)
    d->keys[d->nkeys++] = *extra++;
  vigil_scan_keys_init(&d->ks, d->keys, d->nkeys);
  vigil_scan_keys_init(&d->uid_ks, uid_keys, VIGIL_U_COUNT);
}

void vigil_decode_ex(const char *buf, size_t len, uint64_t first_line,
                     const char *const *extra, size_t nextra, const vigil_decode_cb_t *cb,
                     vigil_decode_stats_t *st) {
  vigil_decoder_t d;

  vigil_decoder_init(&d, extra, nextra);
  vigil_decode_with(&d, buf, len, first_line, cb, st);
}

void vigil_decode_with(const vigil_decoder_t *d, const char *buf, size_t len,
                       uint64_t first_line, const vigil_decode_cb_t *cb,
                       vigil_decode_stats_t *st) {
  vigil_scan_member_t mem[VIGIL_DECODE_MEMBERS];
  vigil_scan_member_t umem[VIGIL_DECODE_UID_MEMBERS];
  ctx_t c = {d,   d->nkeys, {mem, VIGIL_DECODE_MEMBERS, 0, 0}, {{0}}, {0}, {0},
             buf, buf,      first_line, cb, st};
  const char *p = buf;
  const char *end = buf + len;
  vigil_jval_t f[NALL];
  vigil_jval_t whole;
  vigil_scan_err_t err;

  c.uall = (vigil_scan_members_t){umem, VIGIL_DECODE_UID_MEMBERS, 0, 0};
  c.nest = (vigil_scan_nest_t){"userIdentity", 12,     uid_keys, VIGIL_U_COUNT,
                               c.uid,          &d->uid_ks, &c.uall};
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
    p++;
  if (p == end)
    return;
  if (*p == '[') {
    whole.type = VIGIL_J_ARRAY;
    whole.p = p;
    whole.len = (size_t)(end - p);
    walk(&c, &whole, 1);
  } else if (*p != '{') {
    fail_at(&c, p, -1, "%s", "not JSON: expected an object or an array");
  } else if (vigil_scan_object_keys(buf, len, &d->ks, f, &c.all, &c.nest, &err) != 0) {
    salvage(&c, p, end, &err);
  } else if (f[VIGIL_K_RECORDS].type == VIGIL_J_ARRAY) {
    walk(&c, &f[VIGIL_K_RECORDS], 1);
  } else if (f[VIGIL_K_RECORDS].type != VIGIL_J_NONE) {
    fail_at(&c, f[VIGIL_K_RECORDS].p, -1, "%s", "\"Records\" is not an array");
  } else {
    whole.type = VIGIL_J_OBJECT;
    whole.p = p;
    whole.len = (size_t)(end - p);
    classify(&c, &whole, f, 0);
  }
}
