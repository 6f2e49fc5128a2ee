/*
 * Reading one followed file, as far as it can be read now.
 *
 * Plain files are tailed: each complete line is emitted as soon as it is
 * there; a last line without its newline waits. Once the file has not
 * changed for settle_ms, that last line is emitted if it is one complete
 * JSON value (a CloudTrail object written without a final newline); if it
 * is not, it waits until incomplete_ms and is then passed on as it is, so
 * the host reports it with its file and line.
 *
 * A plain file whose first line is not complete JSON is a multi-line
 * document, and gzip and zip files can only be read from their start:
 * those are read whole, once they have not changed for settle_ms, in
 * strict mode. A document still incomplete (cut JSON, cut gzip, a zip
 * without its directory) is not an error yet: it is tried again when it
 * changes, and reported as an error only when it stays incomplete for
 * incomplete_ms after its last change.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file_source.h"
#include "follow.h"

#define CHUNK (64 * 1024)

enum { T_MORE, T_STOP, T_DECIDED };

uint64_t ff_hash(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  size_t i;

  for (i = 0; i < n; i++) {
    h ^= b[i];
    h *= 1099511628211ull;
  }
  return h;
}

static void logf_(ff_follow_t *fw, vigil_log_level_t level, const char *fmt, const char *path,
                  const char *why) {
  fw->fs->src.svc->log(fw->fs->src.host, level, fmt, path, why);
}

static int settled(const ff_follow_t *fw, const ff_entry_t *e, int64_t now) {
  return now - e->changed_ms >= (int64_t)fw->opt.settle_ms;
}

static int first_char(const char *p, size_t n) {
  size_t i;

  for (i = 0; i < n; i++)
    if (!vp_blank_char(p[i]))
      return (unsigned char)p[i];
  return -1;
}

void ff_close_fd(ff_follow_t *fw, ff_entry_t *e) {
  if (e->fd >= 0) {
    close(e->fd);
    e->fd = -1;
    fw->nopen--;
  }
}

/* Opens e's path and checks it is still e's inode. */
static int open_entry(ff_follow_t *fw, ff_entry_t *e) {
  struct stat st;
  int fd = open(e->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

  if (fd < 0) {
    if (errno != ENOENT)
      logf_(fw, VIGIL_LOG_WARN, "%s: cannot open: %s", e->path, strerror(errno));
    return -1;
  }
  if (fstat(fd, &st) != 0 || st.st_dev != e->dev || st.st_ino != e->ino) {
    close(fd); /* renamed or replaced meanwhile: the next scan sorts it out */
    return -1;
  }
  return fd;
}

void ff_reset_entry(ff_follow_t *fw, ff_entry_t *e, const char *why) {
  logf_(fw, VIGIL_LOG_INFO, "%s: %s; reading it again from the start", e->path, why);
  if (fw->tracking) {
    pthread_mutex_lock(&fw->acks.mu);
    e->gen++; /* acks still coming for the old content move nothing */
    e->acked_off = e->acked_line = 0;
    e->stuck = 0;
    pthread_mutex_unlock(&fw->acks.mu);
  }
  e->kind = FF_UNKNOWN;
  e->read_off = e->read_line = 0;
  e->long_line = e->whole_done = e->failed = 0;
  e->fp = 0;
  e->fp_len = 0;
}

/*
 * Checks that the file still starts as it did, and extends the
 * fingerprint as it grows. Returns 0, or -1 when the start changed (or the
 * file shrank below it): it is another file now.
 */
static int check_fp(ff_entry_t *e, int fd, uint64_t size) {
  unsigned char buf[FF_FP_MAX];
  size_t want = size < FF_FP_MAX ? (size_t)size : FF_FP_MAX;
  ssize_t got;

  if (want < e->fp_len)
    return -1;
  got = pread(fd, buf, want, 0);
  if (got != (ssize_t)want)
    return 0; /* a read error shows up again when the data is read */
  if (e->fp_len > 0 && ff_hash(FF_HASH_INIT, buf, e->fp_len) != e->fp)
    return -1;
  e->fp = ff_hash(FF_HASH_INIT, buf, want);
  e->fp_len = (uint32_t)want;
  return 0;
}

/* Truncated, or another file on the same inode: start over. T_DECIDED if so. */
static int check_same(ff_follow_t *fw, ff_entry_t *e, int fd, uint64_t floor) {
  struct stat st;

  if (fstat(fd, &st) != 0)
    return T_MORE;
  if ((uint64_t)st.st_size < floor) {
    ff_reset_entry(fw, e, "truncated");
    return T_DECIDED;
  }
  if (check_fp(e, fd, (uint64_t)st.st_size) != 0) {
    ff_reset_entry(fw, e, "its first bytes changed (rewritten, or a new file on the same inode)");
    return T_DECIDED;
  }
  return T_MORE;
}

/* ---- tailing plain files -------------------------------------------------------------------- */

typedef struct tail_s {
  char *buf;
  size_t cap, len;
  uint64_t base; /* file offset of buf[0] */
  int finishing; /* the file is gone: nothing more will come */
} tail_t;

static int emit_line(ff_follow_t *fw, ff_entry_t *e, const char *p, size_t n, uint64_t off,
                     uint64_t next, uint64_t next_line) {
  file_source_t *fs = fw->fs;
  struct timespec pause = {0, 10 * 1000 * 1000};
  vigil_position_t pos = {e->path, e->read_line + 1, off};
  int rc;

  if (n > 0 && p[n - 1] == '\r')
    n--;
  while ((rc = ff_emit(fw, e, &pos, p, n, next, next_line)) == VIGIL_EAGAIN &&
         !ff_stopping(fw))
    nanosleep(&pause, NULL);
  if (rc == VIGIL_ECLOSED || ff_stopping(fw))
    return T_STOP;
  if (rc == VIGIL_OK) {
    fs->em.stats.records++;
  } else {
    fs->em.stats.errors++;
    fs->src.svc->log(fs->src.host, VIGIL_LOG_ERROR, "%s:%" PRIu64 ": emit failed with status %d",
                     e->path, pos.line, rc);
  }
  return T_MORE;
}

/* While the kind is unknown: does this first real line make the file a tail, a document
 * or something to skip? Returns T_MORE when it is a tail (emit the line). */
static int decide(ff_follow_t *fw, ff_entry_t *e, const char *p, size_t n) {
  int c = first_char(p, n);

  if (!e->named && c != '{' && c != '[') {
    fw->fs->em.stats.skipped++;
    fw->fs->src.svc->log(fw->fs->src.host, VIGIL_LOG_INFO,
                         "%s: not JSON (first byte 0x%02x), skipped", e->path, (unsigned)c);
    e->kind = FF_SKIP;
    e->whole_done = 1;
    return T_DECIDED;
  }
  if (vp_json_complete(p, n)) {
    e->kind = FF_TAIL;
    return T_MORE;
  }
  e->kind = FF_DOC;
  return T_DECIDED;
}

/*
 * One line p[0..n) at file offset off; next is just past its newline.
 * `ended`: it has its newline. A last line taken without one leaves
 * read_line as it is, so the newline that may still come ends that same
 * line, and read_line keeps meaning "newlines before read_off".
 */
static int take_line(ff_follow_t *fw, ff_entry_t *e, const char *p, size_t n, uint64_t off,
                     uint64_t next, int ended) {
  int rc = T_MORE;

  if (e->long_line) {
    e->long_line = 0; /* the end of an over-long line: drop it too */
  } else if (n > fw->fs->em.max_line_bytes) {
    if (e->kind == FF_UNKNOWN) {
      e->kind = FF_DOC; /* a first line may be as long as a document */
      return T_DECIDED;
    }
    fw->fs->em.stats.errors++;
    fw->fs->src.svc->log(fw->fs->src.host, VIGIL_LOG_ERROR,
                         "%s:%" PRIu64 ": line of %zu bytes exceeds max_line_bytes (%zu); skipped",
                         e->path, e->read_line + 1, n, fw->fs->em.max_line_bytes);
  } else if (!vp_blank(p, n)) {
    if (e->kind == FF_UNKNOWN && (rc = decide(fw, e, p, n)) != T_MORE)
      return rc;
    if ((rc = emit_line(fw, e, p, n, off, next, e->read_line + (ended ? 1 : 0))) != T_MORE)
      return rc;
  }
  e->read_off = next;
  e->read_line += ended ? 1 : 0;
  ff_checkpoint(fw, 0);
  return rc;
}

/* Bytes without a newline fill the buffer: a line over the limit. */
static int too_long(ff_follow_t *fw, ff_entry_t *e, tail_t *t) {
  file_source_t *fs = fw->fs;

  if (e->kind == FF_UNKNOWN) {
    if (!e->named && first_char(t->buf, t->len) != '{' && first_char(t->buf, t->len) != '[')
      return decide(fw, e, t->buf, t->len);
    e->kind = FF_DOC; /* a first line this long is a one-line document */
    return T_DECIDED;
  }
  if (!e->long_line) {
    fs->em.stats.errors++;
    fs->src.svc->log(fs->src.host, VIGIL_LOG_ERROR,
                     "%s:%" PRIu64 ": line longer than max_line_bytes (%zu); skipped", e->path,
                     e->read_line + 1, fs->em.max_line_bytes);
    e->long_line = 1;
  }
  e->read_off = t->base + t->len;
  t->base += t->len;
  t->len = 0;
  return T_MORE;
}

/* The bytes after the last newline, at the end of what the file holds now. */
static int last_line(ff_follow_t *fw, ff_entry_t *e, tail_t *t, int64_t now) {
  int64_t quiet = now - e->changed_ms;
  int complete;

  if (t->len == 0 || vp_blank(t->buf, t->len))
    return T_MORE;
  if (e->long_line) {
    e->read_off = t->base + t->len;
    return T_MORE;
  }
  if (!t->finishing && !settled(fw, e, now)) {
    e->wake_ms = e->changed_ms + (int64_t)fw->opt.settle_ms;
    return T_MORE;
  }
  complete = vp_json_complete(t->buf, t->len);
  if (e->kind == FF_UNKNOWN && !complete) {
    e->kind = FF_DOC; /* the strict whole read says why it does not parse */
    return T_DECIDED;
  }
  if (e->kind == FF_UNKNOWN && decide(fw, e, t->buf, t->len) != T_MORE)
    return T_DECIDED;
  if (!complete && !t->finishing && quiet < (int64_t)fw->opt.incomplete_ms) {
    e->wake_ms = e->changed_ms + (int64_t)fw->opt.incomplete_ms;
    return T_MORE;
  }
  if (!complete)
    fw->fs->src.svc->log(fw->fs->src.host, VIGIL_LOG_WARN,
                         "%s:%" PRIu64 ": last line has no newline and is not complete JSON "
                         "after %" PRId64 " ms; passed on as it is",
                         e->path, e->read_line + 1, quiet);
  return take_line(fw, e, t->buf, t->len, t->base, t->base + t->len, 0);
}

static int fill(ff_follow_t *fw, ff_entry_t *e, tail_t *t, int *eof) {
  size_t limit = fw->fs->em.max_line_bytes + CHUNK;
  ssize_t n;
  char *nb;

  if (t->len == t->cap && t->cap < limit) {
    nb = realloc(t->buf, t->cap * 2 < limit ? t->cap * 2 : limit);
    if (nb == NULL)
      return -1;
    t->buf = nb;
    t->cap = t->cap * 2 < limit ? t->cap * 2 : limit;
  }
  do
    n = pread(e->fd, t->buf + t->len, t->cap - t->len, (off_t)(t->base + t->len));
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -1;
  t->len += (size_t)n;
  *eof = n == 0;
  return 0;
}

static int tail_lines(ff_follow_t *fw, ff_entry_t *e, tail_t *t, int64_t now) {
  const char *nl;
  size_t start;
  int eof = 0, rc;

  while (!ff_stopping(fw)) {
    if (fill(fw, e, t, &eof) != 0) {
      fw->fs->em.stats.errors++;
      logf_(fw, VIGIL_LOG_ERROR, "%s: read failed: %s; tried again at the next change",
            e->path, strerror(errno));
      return T_MORE;
    }
    start = 0;
    while ((nl = memchr(t->buf + start, '\n', t->len - start)) != NULL) {
      rc = take_line(fw, e, t->buf + start, (size_t)(nl - t->buf) - start, t->base + start,
                     t->base + (uint64_t)(nl - t->buf) + 1, 1);
      if (rc != T_MORE)
        return rc;
      start = (size_t)(nl - t->buf) + 1;
    }
    memmove(t->buf, t->buf + start, t->len - start);
    t->len -= start;
    t->base += start;
    if (eof)
      return last_line(fw, e, t, now);
    if (t->len == t->cap && t->cap >= fw->fs->em.max_line_bytes &&
        (rc = too_long(fw, e, t)) != T_MORE)
      return rc;
  }
  return T_STOP;
}

static int read_tail(ff_follow_t *fw, ff_entry_t *e, int64_t now, int finishing) {
  tail_t t = {NULL, CHUNK, 0, e->read_off, finishing};
  int rc;

  if (e->fd < 0) {
    if ((e->fd = open_entry(fw, e)) < 0)
      return T_MORE;
    fw->nopen++;
  }
  if (check_same(fw, e, e->fd, e->read_off) != T_MORE)
    return T_DECIDED;
  t.buf = malloc(t.cap);
  if (t.buf == NULL)
    return T_MORE;
  rc = tail_lines(fw, e, &t, now);
  free(t.buf);
  return rc;
}

/* ---- whole reads ---------------------------------------------------------------------------- */

static int give_up(ff_follow_t *fw, ff_entry_t *e, int64_t now, const char *why) {
  file_source_t *fs = fw->fs;

  if (now - e->changed_ms < (int64_t)fw->opt.incomplete_ms) {
    fw->retried++;
    fs->src.svc->log(fs->src.host, VIGIL_LOG_DEBUG, "%s: not complete yet (%s); tried again later",
                     e->path, why);
    e->wake_ms = e->changed_ms + (int64_t)fw->opt.incomplete_ms;
    return T_MORE;
  }
  fw->gave_up++;
  fs->em.stats.errors++;
  fs->src.svc->log(fs->src.host, VIGIL_LOG_ERROR,
                   "%s: still incomplete %" PRId64 " ms after its last change (%s); "
                   "left alone until it changes",
                   e->path, now - e->changed_ms, why);
  e->failed = 1;
  return T_MORE;
}

static int read_whole(ff_follow_t *fw, ff_entry_t *e, int64_t now) {
  file_source_t *fs = fw->fs;
  uint64_t skipped = fs->em.stats.skipped;
  vp_input_t in;
  int fd, rc;

  if (!settled(fw, e, now)) {
    e->wake_ms = e->changed_ms + (int64_t)fw->opt.settle_ms;
    return T_MORE;
  }
  if ((fd = open_entry(fw, e)) < 0)
    return T_MORE;
  if (check_same(fw, e, fd, 0) != T_MORE) {
    close(fd);
    return T_DECIDED;
  }
  fs->em.strict = 1;
  fs->em.skip_non_json = !e->named;
  fs->em.emit_fn = ff_emit_hook;
  fs->em.emit_ctx = fw;
  fw->cur = e;
  fw->skip_until = e->kind == FF_ZIP ? 0 : e->read_off;
  if (e->kind == FF_ZIP) {
    rc = file_source_read_zip(fs, fd, e->path); /* closes fd */
  } else if (vp_input_init(&in, fd, vp_source_wake_fd(&fs->src)) != 0) {
    rc = VP_READ_RETRY;
    snprintf(fs->em.why, sizeof(fs->em.why), "out of memory");
    close(fd);
  } else {
    rc = vp_read_stream(&fs->em, &in, e->path);
    if (rc == VP_READ_DONE && in.out_bytes > e->read_off)
      e->read_off = in.out_bytes;
    vp_input_fini(&in);
    close(fd);
  }
  fw->cur = NULL;
  if (rc == VP_READ_STOP)
    return T_STOP;
  if (rc == VP_READ_RETRY)
    return give_up(fw, e, now, fs->em.why);
  if (fs->em.stats.skipped > skipped)
    e->kind = FF_SKIP;
  e->whole_done = 1;
  fw->files_done++;
  return T_MORE;
}

/* ---- dispatch ------------------------------------------------------------------------------- */

/* Finds gzip and zip by their magic; FF_UNKNOWN stays for plain files.
 * Returns -1 when there is not enough to tell yet. */
static int sniff(ff_follow_t *fw, ff_entry_t *e, int64_t now) {
  static const unsigned char zip[4] = {'P', 'K', 3, 4};
  unsigned char head[4];
  ssize_t got;
  int fd = e->fd >= 0 ? e->fd : open_entry(fw, e);

  if (fd < 0)
    return -1;
  got = pread(fd, head, sizeof(head), 0);
  if (fd != e->fd)
    close(fd);
  if (got <= 0)
    return -1; /* empty: nothing to decide yet */
  if (got >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
    e->kind = FF_GZIP;
  } else if (got == 4 && memcmp(head, zip, 4) == 0) {
    e->kind = FF_ZIP;
  } else if (got < 4 && memcmp(head, zip, (size_t)got) == 0 && !settled(fw, e, now)) {
    e->wake_ms = e->changed_ms + (int64_t)fw->opt.settle_ms;
    return -1; /* may become a zip header */
  }
  return 0;
}

static int read_once(ff_follow_t *fw, ff_entry_t *e, int64_t now, int finishing, int *again) {
  ff_kind_t before = e->kind;
  int rc;

  *again = 0;
  if (e->kind == FF_UNKNOWN && e->read_off == 0 && sniff(fw, e, now) != 0)
    return T_MORE;
  switch (e->kind) {
  case FF_UNKNOWN:
  case FF_TAIL:
    rc = read_tail(fw, e, now, finishing);
    break;
  case FF_DOC:
  case FF_GZIP:
  case FF_ZIP:
    if (e->whole_done || e->failed || finishing)
      return T_MORE;
    ff_close_fd(fw, e); /* a plain file found to be a document was opened to tail */
    rc = read_whole(fw, e, now);
    break;
  default:
    return T_MORE;
  }
  *again = rc == T_DECIDED && (e->kind != before || e->kind == FF_UNKNOWN);
  return rc;
}

int ff_read_entry(ff_follow_t *fw, ff_entry_t *e) {
  int64_t now = ff_now_ms();
  int rc, again, i;

  e->wake_ms = 0;
  for (i = 0; i < 3; i++) {
    rc = read_once(fw, e, now, 0, &again);
    if (rc == T_STOP)
      return VP_READ_STOP;
    if (!again)
      break;
  }
  e->due = 0;
  return VP_READ_DONE;
}

int ff_finish_entry(ff_follow_t *fw, ff_entry_t *e) {
  int again, rc = T_MORE;

  if (e->fd >= 0 && (e->kind == FF_TAIL || e->kind == FF_UNKNOWN))
    rc = read_once(fw, e, ff_now_ms(), 1, &again);
  ff_close_fd(fw, e);
  return rc == T_STOP ? VP_READ_STOP : VP_READ_DONE;
}
