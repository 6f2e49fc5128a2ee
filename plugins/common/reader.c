/* Format detection, line framing and document reading for the sources. */
#include "reader.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The read size, and what the window starts with: 256 KiB reads keep the
 * read() calls on a large file few while the window still fits in L2. */
#define CHUNK (256 * 1024)

/* How far past a first line that is not a whole value the reader looks to
 * tell a document from JSON Lines with one bad line (second_look()). */
#define LOOK_BYTES (16 * 1024 * 1024)

/* Bytes of whole lines one NDJSON emit carries at most: a batch takes
 * eight, so the room a run leaves unused at a batch's end stays small. */
#define RUN_BYTES (32 * 1024)

enum { LN_OK, LN_END, LN_LONG, LN_ERR, LN_STOP };

/* A growable window on the stream: buf[start..len) is not consumed yet. */
typedef struct framer_s {
  vp_input_t *in;
  char *buf;
  size_t cap, start, len;
  uint64_t base;   /* stream offset of buf[0] */
  uint64_t lineno; /* lines returned so far */
  int end;         /* 0, or the VP_IN_* that ended the input */
} framer_t;

typedef struct line_s {
  const char *p;
  size_t n;
  uint64_t no, off;
} line_t;

/* Compacts, grows up to about `limit`, and appends one read. */
static void fill(framer_t *f, size_t limit) {
  size_t got = 0, ncap;
  char *nbuf;
  int rc;

  if (f->start > 0) {
    memmove(f->buf, f->buf + f->start, f->len - f->start);
    f->base += f->start;
    f->len -= f->start;
    f->start = 0;
  }
  if (f->len == f->cap) {
    ncap = f->cap * 2;
    if (ncap > limit + CHUNK)
      ncap = limit + CHUNK;
    nbuf = ncap > f->cap ? realloc(f->buf, ncap) : NULL;
    if (nbuf == NULL) {
      snprintf(f->in->err, sizeof(f->in->err), "out of memory growing the read buffer to %zu",
               ncap);
      f->end = VP_IN_ERR;
      return;
    }
    f->buf = nbuf;
    f->cap = ncap;
  }
  rc = vp_input_read(f->in, f->buf + f->len, f->cap - f->len, &got);
  f->len += got;
  if (rc != VP_IN_OK)
    f->end = rc;
}

static int end_code(const framer_t *f) {
  switch (f->end) {
  case VP_IN_EOF:
    return LN_END;
  case VP_IN_STOP:
    return LN_STOP;
  default:
    return LN_ERR;
  }
}

/* Takes buf[start..start+n) as the next line; `skip` bytes follow it. */
static int take(framer_t *f, line_t *ln, size_t n, size_t skip, size_t limit) {
  ln->p = f->buf + f->start;
  ln->n = n;
  ln->no = ++f->lineno;
  ln->off = f->base + f->start;
  f->start += n + skip;
  if (ln->n > 0 && ln->p[ln->n - 1] == '\r')
    ln->n--;
  return n > limit ? LN_LONG : LN_OK;
}

/* Drops the rest of an over-long line; ln->n ends as its full length. */
static int skip_long(framer_t *f, line_t *ln) {
  const char *nl;

  ln->no = ++f->lineno;
  ln->off = f->base + f->start;
  ln->n = f->len - f->start;
  ln->p = NULL;
  for (;;) {
    f->base += f->len;
    f->start = f->len = 0;
    fill(f, CHUNK);
    nl = memchr(f->buf, '\n', f->len);
    if (nl != NULL) {
      ln->n += (size_t)(nl - f->buf);
      f->start = (size_t)(nl - f->buf) + 1;
      return LN_LONG;
    }
    ln->n += f->len;
    if (f->end)
      return LN_LONG;
  }
}

/* The next line, without its '\n' (and '\r'). A line cut by an error is dropped. */
static int next_line(framer_t *f, size_t limit, line_t *ln) {
  size_t seen = 0;
  const char *nl;

  for (;;) {
    nl = memchr(f->buf + f->start + seen, '\n', f->len - f->start - seen);
    if (nl != NULL)
      return take(f, ln, (size_t)(nl - (f->buf + f->start)), 1, limit);
    seen = f->len - f->start;
    if (f->end == VP_IN_EOF && seen > 0)
      return take(f, ln, seen, 0, limit);
    if (f->end)
      return end_code(f);
    if (seen > limit)
      return skip_long(f, ln);
    fill(f, limit);
  }
}

/* Reads the rest of the stream after buf[start]; LN_OK when it all fits. */
static int slurp(framer_t *f, size_t limit) {
  while (!f->end && f->len - f->start <= limit)
    fill(f, limit);
  if (f->len - f->start > limit)
    return LN_LONG;
  return f->end == VP_IN_EOF ? LN_OK : end_code(f);
}

/* emit() of `nrec` records: one JSON text, or a run of lines (NDJSON). */
static int emit_as(vp_emitter_t *em, vigil_format_t format, uint64_t nrec, const char *stream,
                   const char *p, size_t n, uint64_t line, uint64_t off, uint64_t next) {
  vigil_position_t pos;
  struct timespec pause = {0, 10 * 1000 * 1000};
  int rc;

  pos.stream = stream;
  pos.line = line;
  pos.offset = off;
  for (;;) {
    if (em->emit_fn != NULL)
      rc = em->emit_fn(em, &pos, p, n, next);
    else
      rc = em->svc->emit(em->host, p, n, format, &pos);
    if (rc == VP_EMIT_SKIPPED)
      return VP_READ_DONE;
    if (rc == VIGIL_OK) {
      em->stats.records += nrec;
      return VP_READ_DONE;
    }
    if (rc == VIGIL_ECLOSED || atomic_load(em->stop))
      return VP_READ_STOP;
    if (rc == VIGIL_EINVAL && format == VIGIL_FORMAT_NDJSON) {
      em->no_runs = 1;
      return VP_READ_RETRY;
    }
    if (rc != VIGIL_EAGAIN)
      break;
    /* A plugin thread should be blocked, not refused; wait rather than drop. */
    nanosleep(&pause, NULL);
  }
  em->stats.errors++;
  em->svc->log(em->host, VIGIL_LOG_ERROR, "%s:%" PRIu64 ": emit failed with status %d", stream,
               line, rc);
  return VP_READ_DONE;
}

/* Strict mode: the input broke off; the caller tries again later. */
static int retry(vp_emitter_t *em, const char *why) {
  snprintf(em->why, sizeof(em->why), "%s", why);
  return VP_READ_RETRY;
}

static void log_input_error(vp_emitter_t *em, framer_t *f, const char *stream, const char *what) {
  em->stats.errors++;
  em->svc->log(em->host, VIGIL_LOG_ERROR, "%s: %s; %s", stream, vp_input_error(f->in), what);
}

static int emit_as(vp_emitter_t *em, vigil_format_t format, uint64_t nrec, const char *stream,
                   const char *p, size_t n, uint64_t line, uint64_t off, uint64_t next);

static int emit(vp_emitter_t *em, const char *stream, const char *p, size_t n, uint64_t line,
                uint64_t off, uint64_t next) {
  return emit_as(em, VIGIL_FORMAT_JSON, 1, stream, p, n, line, off, next);
}

/*
 * The whole lines at the window's start, up to RUN_BYTES of them, in one
 * VIGIL_FORMAT_NDJSON emit: the source thread then pays one copy and one
 * lock per run instead of per record, and the workers split the lines.
 * Stops before a line over the limit and where no whole line is left;
 * next_line() takes those. VP_READ_RETRY: no run taken, read a line.
 */
static int emit_run(vp_emitter_t *em, framer_t *f, const char *stream) {
  const char *p = f->buf + f->start, *end = f->buf + f->len, *q = p, *nl;
  uint64_t lines = 0, records = 0;
  int rc;

  if (em->emit_fn != NULL || em->no_runs)
    return VP_READ_RETRY; /* a hook wants each record's own position */
  while (q - p < RUN_BYTES && (nl = memchr(q, '\n', (size_t)(end - q))) != NULL &&
         (size_t)(nl - q) <= em->max_line_bytes) {
    if (!vp_blank(q, (size_t)(nl - q)))
      records++;
    lines++;
    q = nl + 1;
  }
  if (lines == 0)
    return VP_READ_RETRY;
  rc = emit_as(em, VIGIL_FORMAT_NDJSON, records, stream, p, (size_t)(q - p), f->lineno + 1,
               f->base + f->start, f->base + f->start + (size_t)(q - p));
  if (rc == VP_READ_RETRY)
    return rc; /* an older host: nothing was taken */
  f->lineno += lines;
  f->start += (size_t)(q - p);
  return rc;
}

/*
 * An input error ended a document or a first line early. When the stream
 * was only cut short (a truncated gzip), what was read before is sound and
 * handed on: the decoder keeps the complete records of a cut
 * {"Records":[...]} and names the one that breaks, so a truncated
 * CloudTrail object loses only its tail. Damaged data (a CRC or zlib data
 * error) may be wrong anywhere before the error, so it is dropped.
 */
static int salvage(vp_emitter_t *em, framer_t *f, const char *stream, uint64_t line,
                   uint64_t off, const char *dropped) {
  const char *p = f->buf + f->start;
  size_t n = f->len - f->start;

  if (!f->in->cut) {
    log_input_error(em, f, stream, dropped);
    return VP_READ_DONE;
  }
  log_input_error(em, f, stream, "the text read before it is decoded as far as it goes");
  if (n == 0 || vp_blank(p, n))
    return VP_READ_DONE;
  return emit(em, stream, p, n, line, off, f->base + f->len);
}

static int read_lines(vp_emitter_t *em, framer_t *f, const char *stream) {
  line_t ln;
  int rc;

  for (;;) {
    if (atomic_load(em->stop))
      return VP_READ_STOP;
    rc = emit_run(em, f, stream);
    if (rc == VP_READ_STOP)
      return rc;
    if (rc == VP_READ_DONE)
      continue;
    switch (next_line(f, em->max_line_bytes, &ln)) {
    case LN_OK:
      if (!vp_blank(ln.p, ln.n) &&
          emit(em, stream, ln.p, ln.n, ln.no, ln.off, f->base + f->start) == VP_READ_STOP)
        return VP_READ_STOP;
      break;
    case LN_LONG:
      em->stats.errors++;
      em->svc->log(em->host, VIGIL_LOG_ERROR,
                   "%s:%" PRIu64 ": line of %zu bytes exceeds max_line_bytes (%zu); skipped",
                   stream, ln.no, ln.n, em->max_line_bytes);
      break;
    case LN_END:
      return VP_READ_DONE;
    case LN_STOP:
      return VP_READ_STOP;
    default:
      if (em->strict)
        return retry(em, vp_input_error(f->in));
      em->stats.errors++;
      em->svc->log(em->host, VIGIL_LOG_ERROR, "%s: %s; the %" PRIu64 " lines before it were read",
                   stream, vp_input_error(f->in), f->lineno);
      return VP_READ_DONE;
    }
  }
}

static int read_document(vp_emitter_t *em, framer_t *f, const char *stream, const line_t *first) {
  /* Take the stream back to the document's first line. */
  f->start = (size_t)(first->off - f->base);
  f->lineno = first->no - 1;
  switch (slurp(f, em->max_document_bytes)) {
  case LN_OK:
    if (em->strict && !vp_json_complete(f->buf + f->start, f->len - f->start))
      return retry(em, "the document is not one complete JSON value (yet)");
    return emit(em, stream, f->buf + f->start, f->len - f->start, first->no, first->off,
                f->base + f->len);
  case LN_LONG:
    em->stats.errors++;
    em->svc->log(em->host, VIGIL_LOG_ERROR,
                 "%s: document exceeds max_document_bytes (%zu); skipped", stream,
                 em->max_document_bytes);
    return VP_READ_DONE;
  case LN_STOP:
    return VP_READ_STOP;
  default:
    if (em->strict)
      return retry(em, vp_input_error(f->in));
    return salvage(em, f, stream, first->no, first->off, "the document was not emitted");
  }
}

/* Count lines of a document too, so the summary means the same for both formats. */
static void count_lines(framer_t *f) {
  const char *p = f->buf + f->start, *end = f->buf + f->len;

  if (p < end && end[-1] != '\n')
    f->lineno++;
  while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
    f->lineno++;
    p++;
  }
}

/*
 * The first non-blank byte, or -1 when there is none within `limit` bytes or
 * the input ended first (the line reader then says why). Consumes nothing,
 * and reads no more than it needs: a binary file is judged on its first read.
 */
static int first_byte(framer_t *f, size_t limit) {
  size_t i = f->start;

  for (;;) {
    for (; i < f->len; i++)
      if (!vp_blank_char(f->buf[i]))
        return (unsigned char)f->buf[i];
    if (f->end || f->len - f->start >= limit)
      return -1;
    fill(f, limit);
  }
}

/*
 * Is the line just taken all there is (blanks aside)? Then it is one record
 * as a line or as a document alike, and the completeness test, a pass over
 * every byte of a CloudTrail object (one line of a megabyte or more), is
 * not needed. Strict mode still needs it: there an incomplete line means a
 * document not written whole yet.
 */
static int only_line(const vp_emitter_t *em, const framer_t *f) {
  return !em->strict && f->end == VP_IN_EOF && vp_blank(f->buf + f->start, f->len - f->start);
}

/*
 * The first non-blank line after the one at buf[start]: its place from
 * start in *at and *n. 0 when there is none within `limit` bytes or the
 * input ends first. Consumes nothing (a read may move the window, so
 * places are kept from start).
 */
static int peek_next_line(framer_t *f, size_t limit, size_t *at, size_t *n) {
  size_t pos = 0, end;
  const char *nl;
  int first = 1;

  for (;;) {
    nl = memchr(f->buf + f->start + pos, '\n', f->len - f->start - pos);
    if (nl == NULL) {
      if (f->end == VP_IN_EOF && !first && f->len - f->start > pos &&
          !vp_blank(f->buf + f->start + pos, f->len - f->start - pos)) {
        *at = pos;
        *n = f->len - f->start - pos; /* the last line, without a newline */
        return 1;
      }
      if (f->end || f->len - f->start > limit)
        return 0;
      fill(f, limit);
      continue;
    }
    end = (size_t)(nl - (f->buf + f->start));
    if (!first && !vp_blank(f->buf + f->start + pos, end - pos)) {
      *at = pos;
      *n = end - pos;
      return 1;
    }
    first = 0;
    pos = end + 1;
  }
}

/*
 * The first line is not a whole value: it opens a document, or it is a
 * bad line of JSON Lines, whose good lines must not be lost with it. It is
 * the latter when the next non-blank line is a whole value by itself and
 * the text from the first line is not one value (a pretty-printed array
 * may hold one element per line), judged on LOOK_BYTES at most. Leaves
 * the window at the first line either way. 1: JSON Lines, 0: a document,
 * -1: asked to stop.
 */
static int second_look(vp_emitter_t *em, framer_t *f, const line_t *first) {
  size_t look = LOOK_BYTES < em->max_document_bytes ? LOOK_BYTES : em->max_document_bytes;
  size_t at, n;
  int rc;

  f->start = (size_t)(first->off - f->base);
  f->lineno = first->no - 1;
  if (em->strict || !peek_next_line(f, look, &at, &n))
    return 0;
  if (!vp_json_complete(f->buf + f->start + at, n)) /* a '\r' before '\n' is a blank */
    return 0;
  rc = slurp(f, look);
  if (rc == LN_STOP)
    return -1;
  return rc != LN_OK || !vp_json_complete(f->buf + f->start, f->len - f->start);
}

static int detect_and_read(vp_emitter_t *em, framer_t *f, const char *stream) {
  line_t ln;
  int rc, c;

  if (em->skip_non_json) {
    c = first_byte(f, em->max_document_bytes);
    if (c >= 0 && c != '{' && c != '[') {
      em->stats.skipped++;
      em->svc->log(em->host, VIGIL_LOG_INFO, "%s: not JSON (first byte 0x%02x), skipped", stream,
                   (unsigned)c);
      return VP_READ_DONE;
    }
  }
  do
    rc = next_line(f, em->max_document_bytes, &ln);
  while (rc == LN_OK && vp_blank(ln.p, ln.n));

  switch (rc) {
  case LN_END:
    em->svc->log(em->host, VIGIL_LOG_DEBUG, "%s: empty, skipped", stream);
    return VP_READ_DONE;
  case LN_STOP:
    return VP_READ_STOP;
  case LN_ERR:
    if (em->strict)
      return retry(em, vp_input_error(f->in));
    rc = salvage(em, f, stream, f->lineno + 1, f->base + f->start, "nothing was emitted");
    count_lines(f); /* what was salvaged counts, as in a document */
    return rc;
  case LN_LONG:
    em->stats.errors++;
    em->svc->log(em->host, VIGIL_LOG_ERROR,
                 "%s:%" PRIu64 ": first line exceeds max_document_bytes (%zu); skipped", stream,
                 ln.no, em->max_document_bytes);
    return VP_READ_DONE;
  default:
    break;
  }
  em->stats.streams++;
  if (!only_line(em, f) && !vp_json_complete(ln.p, ln.n)) {
    rc = second_look(em, f, &ln);
    if (rc < 0)
      return VP_READ_STOP;
    if (rc > 0)
      return read_lines(em, f, stream);
    rc = read_document(em, f, stream, &ln);
    count_lines(f);
    return rc;
  }
  if (emit(em, stream, ln.p, ln.n, ln.no, ln.off, f->base + f->start) == VP_READ_STOP)
    return VP_READ_STOP;
  return read_lines(em, f, stream);
}

int vp_read_stream(vp_emitter_t *em, vp_input_t *in, const char *stream) {
  framer_t f;
  int rc;

  memset(&f, 0, sizeof(f));
  f.in = in;
  f.cap = CHUNK;
  f.buf = malloc(f.cap);
  if (f.buf == NULL) {
    em->stats.errors++;
    em->svc->log(em->host, VIGIL_LOG_ERROR, "%s: out of memory", stream);
    return VP_READ_DONE;
  }
  rc = detect_and_read(em, &f, stream);
  em->stats.bytes += in->out_bytes;
  em->stats.lines += f.lineno;
  free(f.buf);
  return rc;
}
