/*
 * A sink's on-disk spool: segment files, records with a CRC, a cursor.
 * The format and the fsync policy are described in spool.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "log.h"
#include "spool.h"

#define SEG_MAGIC "VGSPOOL1"
#define SEG_HDR 8
#define REC_MAGIC 0x52475356u /* "VSGR" little-endian */
#define REC_HDR 12
#define SEG_MAX_CAP (8u << 20)
#define SEG_MAX_MIN (64u << 10)

typedef struct seg_s {
  uint64_t num;
  uint64_t size;
} seg_t;

struct vigil_spool_s {
  char *dir;
  char *who;
  uint64_t max_bytes;
  uint64_t seg_max;
  seg_t *segs; /* sorted by number; the last is the one appended to */
  size_t nsegs, capsegs;
  int wfd;
  int rfd;
  uint64_t rseg;
  vigil_spool_pos_t cursor;
  uint64_t count;
  uint64_t bytes;
};

/* ---- little-endian fields --------------------------------------------- */

static void put32(unsigned char *p, uint32_t v) {
  for (int i = 0; i < 4; i++)
    p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put64(unsigned char *p, uint64_t v) {
  put32(p, (uint32_t)v);
  put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t get64(const unsigned char *p) {
  return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ---- files ------------------------------------------------------------ */

static void seg_path(const vigil_spool_t *sp, uint64_t num, char *out, size_t cap) {
  snprintf(out, cap, "%s/%016" PRIu64 ".seg", sp->dir, num);
}

static int write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  ssize_t w;

  while (n > 0) {
    w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int read_at(int fd, void *buf, size_t n, uint64_t off) {
  char *p = buf;
  ssize_t r;

  while (n > 0) {
    r = pread(fd, p, n, (off_t)off);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return -1;
    p += r;
    n -= (size_t)r;
    off += (uint64_t)r;
  }
  return 0;
}

/* A new segment's name must survive a crash with its magic, or a restart
 * would take it for garbage: fsync the file and the folder. */
static int new_segment(vigil_spool_t *sp, char *err, size_t errlen) {
  char path[4096];
  uint64_t num = sp->nsegs ? sp->segs[sp->nsegs - 1].num + 1 : 1;
  seg_t *ns;
  int fd, dfd;

  if (sp->nsegs == sp->capsegs) {
    ns = realloc(sp->segs, (sp->capsegs ? sp->capsegs * 2 : 8) * sizeof(*ns));
    if (!ns) {
      snprintf(err, errlen, "out of memory");
      return VIGIL_ENOMEM;
    }
    sp->segs = ns;
    sp->capsegs = sp->capsegs ? sp->capsegs * 2 : 8;
  }
  seg_path(sp, num, path, sizeof(path));
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0 || write_all(fd, SEG_MAGIC, SEG_HDR) != 0 || fdatasync(fd) != 0) {
    snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
    if (fd >= 0) {
      close(fd);
      unlink(path);
    }
    return VIGIL_EIO;
  }
  dfd = open(sp->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  if (sp->wfd >= 0)
    close(sp->wfd);
  sp->wfd = fd;
  sp->segs[sp->nsegs].num = num;
  sp->segs[sp->nsegs].size = SEG_HDR;
  sp->nsegs++;
  sp->bytes += SEG_HDR;
  return VIGIL_OK;
}

static int cmp_seg(const void *a, const void *b) {
  const seg_t *x = a, *y = b;

  return x->num < y->num ? -1 : x->num > y->num;
}

static int list_segments(vigil_spool_t *sp, char *err, size_t errlen) {
  DIR *d = opendir(sp->dir);
  struct dirent *de;
  struct stat st;
  char path[4096];
  unsigned long long num;
  char tail[8];
  seg_t *ns;

  if (!d) {
    snprintf(err, errlen, "cannot open spool folder %s: %s", sp->dir, strerror(errno));
    return VIGIL_EIO;
  }
  while ((de = readdir(d))) {
    if (sscanf(de->d_name, "%16llu%7s", &num, tail) != 2 || strcmp(tail, ".seg") != 0 ||
        strlen(de->d_name) != 20)
      continue;
    snprintf(path, sizeof(path), "%s/%s", sp->dir, de->d_name);
    if (stat(path, &st) != 0)
      continue;
    if (sp->nsegs == sp->capsegs) {
      ns = realloc(sp->segs, (sp->capsegs ? sp->capsegs * 2 : 8) * sizeof(*ns));
      if (!ns) {
        closedir(d);
        snprintf(err, errlen, "out of memory");
        return VIGIL_ENOMEM;
      }
      sp->segs = ns;
      sp->capsegs = sp->capsegs ? sp->capsegs * 2 : 8;
    }
    sp->segs[sp->nsegs].num = num;
    sp->segs[sp->nsegs].size = (uint64_t)st.st_size;
    sp->nsegs++;
    sp->bytes += (uint64_t)st.st_size;
  }
  closedir(d);
  if (sp->nsegs > 1) /* segs is NULL in an empty spool: qsort must not see it */
    qsort(sp->segs, sp->nsegs, sizeof(*sp->segs), cmp_seg);
  return VIGIL_OK;
}

static seg_t *find_seg(vigil_spool_t *sp, uint64_t num) {
  for (size_t i = 0; i < sp->nsegs; i++)
    if (sp->segs[i].num == num)
      return &sp->segs[i];
  return NULL;
}

static int open_read(vigil_spool_t *sp, uint64_t num) {
  char path[4096];

  if (sp->rfd >= 0 && sp->rseg == num)
    return sp->rfd;
  if (sp->rfd >= 0)
    close(sp->rfd);
  seg_path(sp, num, path, sizeof(path));
  sp->rfd = open(path, O_RDONLY | O_CLOEXEC);
  sp->rseg = num;
  return sp->rfd;
}

/* ---- records ---------------------------------------------------------- */

/* Payload: severity (1), event time (8), four lengths (4 each), bytes. */
static unsigned char *encode(const vigil_alert_t *a, size_t *len) {
  const char *s[4] = {a->rule_id ? a->rule_id : "", a->title ? a->title : "",
                      a->message ? a->message : "", a->json ? a->json : ""};
  size_t l[4] = {strlen(s[0]), strlen(s[1]), strlen(s[2]), a->json ? a->json_len : 0};
  size_t n = REC_HDR + 1 + 8 + 16 + l[0] + l[1] + l[2] + l[3];
  unsigned char *b = malloc(n), *p;

  if (!b)
    return NULL;
  p = b + REC_HDR;
  *p++ = (unsigned char)a->severity;
  put64(p, (uint64_t)a->event_time_ms);
  p += 8;
  for (int i = 0; i < 4; i++, p += 4)
    put32(p, (uint32_t)l[i]);
  for (int i = 0; i < 4; i++) {
    memcpy(p, s[i], l[i]);
    p += l[i];
  }
  put32(b, REC_MAGIC);
  put32(b + 4, (uint32_t)(n - REC_HDR));
  put32(b + 8, (uint32_t)crc32(0L, b + REC_HDR, (uInt)(n - REC_HDR)));
  *len = n;
  return b;
}

/* Fills rec from a checked payload; -1 when its lengths do not add up. */
static int decode(const unsigned char *p, size_t n, vigil_spool_rec_t *rec) {
  uint32_t l[4];
  uint64_t sum = 0;
  char *o;

  if (n < 25)
    return -1;
  for (int i = 0; i < 4; i++) {
    l[i] = get32(p + 9 + 4 * i);
    sum += l[i];
  }
  if (sum != n - 25 || p[0] > VIGIL_SEV_CRITICAL)
    return -1;
  rec->buf = malloc(sum + 4);
  if (!rec->buf)
    return -1;
  memset(&rec->pub, 0, sizeof(rec->pub));
  rec->pub.size = sizeof(rec->pub);
  rec->pub.severity = (vigil_severity_t)p[0];
  rec->pub.event_time_ms = (int64_t)get64(p + 1);
  o = rec->buf;
  p += 25;
  for (int i = 0; i < 4; i++) {
    memcpy(o, p, l[i]);
    o[l[i]] = '\0';
    if (i == 0)
      rec->pub.rule_id = o;
    else if (i == 1)
      rec->pub.title = o;
    else if (i == 2)
      rec->pub.message = o;
    else
      rec->pub.json = o;
    p += l[i];
    o += l[i] + 1;
  }
  rec->pub.json_len = l[3];
  return 0;
}

enum { LK_OK, LK_END, LK_SKIP, LK_TORN };

/*
 * Looks at the record at off of segment s. LK_OK fills rec (when not NULL)
 * and *next; LK_SKIP means a whole record whose CRC or contents are wrong
 * (*next is past it); LK_TORN means no record can be found there.
 */
static int look(vigil_spool_t *sp, const seg_t *s, uint64_t off, vigil_spool_rec_t *rec,
                uint64_t *next) {
  unsigned char h[REC_HDR], *p;
  uint32_t len;
  int fd = open_read(sp, s->num), rc;
  vigil_spool_rec_t tmp;

  if (off >= s->size)
    return LK_END;
  if (fd < 0 || off + REC_HDR > s->size || read_at(fd, h, REC_HDR, off) != 0 ||
      get32(h) != REC_MAGIC)
    return LK_TORN;
  len = get32(h + 4);
  if (len > s->size - off - REC_HDR)
    return LK_TORN;
  *next = off + REC_HDR + len;
  p = malloc(len ? len : 1);
  if (!p || read_at(fd, p, len, off + REC_HDR) != 0) {
    free(p);
    return LK_TORN;
  }
  rc = (uint32_t)crc32(0L, p, len) == get32(h + 8) ? LK_OK : LK_SKIP;
  if (rc == LK_OK && decode(p, len, rec ? rec : &tmp) != 0)
    rc = LK_SKIP;
  else if (rc == LK_OK && !rec)
    free(tmp.buf);
  free(p);
  return rc;
}

/* A torn tail (a crash in the middle of an append) is cut off so appends
 * go on after the last whole record. */
static void cut(vigil_spool_t *sp, seg_t *s, uint64_t off) {
  char path[4096];

  seg_path(sp, s->num, path, sizeof(path));
  vigil_warn(sp->who, "spool %s: no whole record at offset %" PRIu64 " (torn write?); "
             "%" PRIu64 " bytes after it dropped", path, off, s->size - off);
  if (truncate(path, (off_t)off) == 0) {
    sp->bytes -= s->size - off;
    s->size = off;
  }
}

static void skipped(vigil_spool_t *sp, const seg_t *s, uint64_t off) {
  char path[4096];

  seg_path(sp, s->num, path, sizeof(path));
  vigil_error(sp->who, "spool %s: record at offset %" PRIu64 " fails its CRC; skipped (that "
              "alert is lost)", path, off);
}

int vigil_spool_read(vigil_spool_t *sp, vigil_spool_pos_t *pos, vigil_spool_rec_t *rec) {
  seg_t *s;
  uint64_t next = 0;
  size_t i;

  for (;;) {
    s = find_seg(sp, pos->seg);
    if (!s) {
      /* Before the first segment, or one deleted meanwhile: go to the next. */
      for (i = 0; i < sp->nsegs && sp->segs[i].num < pos->seg; i++)
        ;
      if (i == sp->nsegs)
        return 0;
      pos->seg = sp->segs[i].num;
      pos->off = SEG_HDR;
      continue;
    }
    if (pos->off < SEG_HDR)
      pos->off = SEG_HDR;
    switch (look(sp, s, pos->off, rec, &next)) {
    case LK_OK:
      pos->off = next;
      rec->end = *pos;
      return 1;
    case LK_SKIP:
      skipped(sp, s, pos->off);
      pos->off = next;
      continue;
    case LK_TORN:
      cut(sp, s, pos->off);
      /* fall through */
    default:
      if (s == &sp->segs[sp->nsegs - 1])
        return 0;
      pos->seg = s[1].num;
      pos->off = SEG_HDR;
    }
  }
}

void vigil_spool_rec_free(vigil_spool_rec_t *rec) {
  free(rec->buf);
  rec->buf = NULL;
}

/* ---- cursor ----------------------------------------------------------- */

static void load_cursor(vigil_spool_t *sp) {
  char path[4096];
  unsigned long long seg = 0, off = 0;
  FILE *f;

  snprintf(path, sizeof(path), "%s/cursor", sp->dir);
  f = fopen(path, "r");
  if (f) {
    if (fscanf(f, "%llu %llu", &seg, &off) != 2) {
      vigil_warn(sp->who, "spool cursor %s unreadable; replaying the whole spool", path);
      seg = off = 0;
    }
    fclose(f);
  }
  sp->cursor.seg = seg;
  sp->cursor.off = off;
}

static int save_cursor(vigil_spool_t *sp) {
  char path[4096], tmp[4200];
  FILE *f;

  snprintf(path, sizeof(path), "%s/cursor", sp->dir);
  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  f = fopen(tmp, "w");
  if (!f)
    return VIGIL_EIO;
  fprintf(f, "%" PRIu64 " %" PRIu64 "\n", sp->cursor.seg, sp->cursor.off);
  if (fclose(f) != 0 || rename(tmp, path) != 0)
    return VIGIL_EIO;
  return VIGIL_OK;
}

/* ---- life cycle ------------------------------------------------------- */

int vigil_spool_open(const char *dir, uint64_t max_bytes, const char *who, vigil_spool_t **out,
                     char *err, size_t errlen) {
  vigil_spool_t *sp = calloc(1, sizeof(*sp));
  vigil_spool_pos_t pos;
  vigil_spool_rec_t rec;
  int rc;

  *out = NULL;
  if (!sp || !(sp->dir = strdup(dir)) || !(sp->who = strdup(who ? who : "spool"))) {
    if (sp)
      free(sp->dir);
    free(sp);
    snprintf(err, errlen, "out of memory");
    return VIGIL_ENOMEM;
  }
  sp->wfd = sp->rfd = -1;
  sp->max_bytes = max_bytes;
  sp->seg_max = max_bytes / 4 < SEG_MAX_CAP ? max_bytes / 4 : SEG_MAX_CAP;
  if (sp->seg_max < SEG_MAX_MIN)
    sp->seg_max = SEG_MAX_MIN;
  if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
    snprintf(err, errlen, "cannot create spool folder %s: %s", dir, strerror(errno));
    vigil_spool_close(sp);
    return VIGIL_EIO;
  }
  if ((rc = list_segments(sp, err, errlen)) != VIGIL_OK) {
    vigil_spool_close(sp);
    return rc;
  }
  load_cursor(sp);
  /* Counting reads every waiting record: it also finds torn tails early. */
  pos = sp->cursor;
  while ((rc = vigil_spool_read(sp, &pos, &rec)) == 1) {
    sp->count++;
    vigil_spool_rec_free(&rec);
  }
  if (sp->nsegs == 0 || sp->segs[sp->nsegs - 1].size >= sp->seg_max) {
    rc = new_segment(sp, err, errlen);
  } else {
    char path[4096];

    seg_path(sp, sp->segs[sp->nsegs - 1].num, path, sizeof(path));
    sp->wfd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    rc = sp->wfd >= 0 ? VIGIL_OK : VIGIL_EIO;
    if (rc != VIGIL_OK)
      snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
  }
  if (rc != VIGIL_OK) {
    vigil_spool_close(sp);
    return rc;
  }
  *out = sp;
  return VIGIL_OK;
}

void vigil_spool_close(vigil_spool_t *sp) {
  if (!sp)
    return;
  if (sp->wfd >= 0)
    close(sp->wfd);
  if (sp->rfd >= 0)
    close(sp->rfd);
  free(sp->segs);
  free(sp->dir);
  free(sp->who);
  free(sp);
}

/* Deletes every segment but the last that the cursor has wholly passed. */
static void drop_behind(vigil_spool_t *sp) {
  char path[4096];
  size_t drop = 0;
  const seg_t *s;

  for (; drop + 1 < sp->nsegs; drop++) {
    s = &sp->segs[drop];
    if (s->num > sp->cursor.seg || (s->num == sp->cursor.seg && sp->cursor.off < s->size))
      break;
  }
  for (size_t i = 0; i < drop; i++) {
    seg_path(sp, sp->segs[i].num, path, sizeof(path));
    if (unlink(path) != 0 && errno != ENOENT)
      vigil_warn(sp->who, "cannot delete %s: %s", path, strerror(errno));
    sp->bytes -= sp->segs[i].size;
    if (sp->rfd >= 0 && sp->rseg == sp->segs[i].num) {
      close(sp->rfd);
      sp->rfd = -1;
    }
  }
  memmove(sp->segs, sp->segs + drop, (sp->nsegs - drop) * sizeof(*sp->segs));
  sp->nsegs -= drop;
}

int vigil_spool_append(vigil_spool_t *sp, const vigil_alert_t *a, char *err, size_t errlen) {
  size_t n = 0;
  unsigned char *b;
  seg_t *s;
  int rc;

  b = encode(a, &n);
  if (!b) {
    snprintf(err, errlen, "out of memory");
    return VIGIL_ENOMEM;
  }
  if (n + SEG_HDR > sp->max_bytes) {
    free(b);
    snprintf(err, errlen, "alert of %zu bytes is larger than the whole spool", n);
    return VIGIL_EINVAL;
  }
  s = &sp->segs[sp->nsegs - 1];
  if (s->size > SEG_HDR && s->size + n > sp->seg_max) {
    /* A last segment replay has wholly consumed goes once the next one
     * exists; counting its bytes as room keeps a small spool that filled
     * one segment from refusing forever after it drained. */
    uint64_t spent = s->num < sp->cursor.seg ||
                             (s->num == sp->cursor.seg && sp->cursor.off >= s->size)
                         ? s->size
                         : 0;

    if (sp->bytes - spent + SEG_HDR + n > sp->max_bytes) {
      free(b);
      return VIGIL_EAGAIN;
    }
    if ((rc = new_segment(sp, err, errlen)) != VIGIL_OK) {
      free(b);
      return rc;
    }
    drop_behind(sp);
    s = &sp->segs[sp->nsegs - 1];
  }
  if (sp->bytes + n > sp->max_bytes) {
    free(b);
    return VIGIL_EAGAIN;
  }
  if (write_all(sp->wfd, b, n) != 0 || fdatasync(sp->wfd) != 0) {
    char path[4096];

    seg_path(sp, s->num, path, sizeof(path));
    snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    /* Leave no partial record for appends to follow. */
    if (ftruncate(sp->wfd, (off_t)s->size) != 0)
      vigil_warn(sp->who, "cannot cut %s back: %s", path, strerror(errno));
    free(b);
    return VIGIL_EIO;
  }
  free(b);
  s->size += n;
  sp->bytes += n;
  sp->count++;
  return VIGIL_OK;
}

vigil_spool_pos_t vigil_spool_cursor(const vigil_spool_t *sp) {
  return sp->cursor;
}

int vigil_spool_consume(vigil_spool_t *sp, vigil_spool_pos_t upto, uint64_t n) {
  sp->cursor = upto;
  sp->count = n > sp->count ? 0 : sp->count - n;
  /* The cursor file first: a crash between the two steps then replays
   * nothing that was deleted. */
  if (save_cursor(sp) != VIGIL_OK)
    vigil_warn(sp->who, "spool %s: cannot save the cursor: %s", sp->dir, strerror(errno));
  drop_behind(sp);
  return VIGIL_OK;
}

uint64_t vigil_spool_count(const vigil_spool_t *sp) {
  return sp->count;
}

uint64_t vigil_spool_bytes(const vigil_spool_t *sp) {
  return sp->bytes;
}
