/* Plain or gzip bytes from a descriptor, read so a stop request can interrupt. */
#include "input.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef VP_HAVE_LIBDEFLATE
#include <libdeflate.h>
#endif

#define RAW_CAP (64 * 1024)

/* A regular .gz file up to this size (a CloudTrail object is a few hundred
 * KB) that inflates to at most WHOLE_OUT is inflated at once with
 * libdeflate, twice as fast as zlib's streaming inflate; larger files,
 * pipes and archive members stream through zlib with bounded memory. */
#define WHOLE_IN (4u << 20)
#define WHOLE_OUT (8u << 20)

/* A regular file is always readable: its wake-up descriptor is looked at
 * every this many reads (a few MiB) instead of a poll() before each. */
#define WAKE_EVERY 16

int vp_input_init(vp_input_t *in, int fd, int wake_fd) {
  struct stat st;

  memset(in, 0, sizeof(*in));
  in->fd = fd;
  in->regular = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  in->wake_fd = wake_fd;
  in->raw_cap = RAW_CAP;
  in->raw = malloc(in->raw_cap);
  return in->raw != NULL ? 0 : -1;
}

int vp_input_init_fn(vp_input_t *in, vp_read_fn fn, void *ctx) {
  int rc = vp_input_init(in, -1, -1);

  in->read_fn = fn;
  in->read_ctx = ctx;
  return rc;
}

void vp_input_fini(vp_input_t *in) {
  if (in->zinit)
    inflateEnd(&in->zs);
  free(in->raw);
  free(in->whole);
  in->raw = NULL;
  in->whole = NULL;
  in->zinit = 0;
}

const char *vp_input_error(const vp_input_t *in) {
  return in->err;
}

static int fail_at(vp_input_t *in, const char *what, const char *detail, uint64_t bytes) {
  snprintf(in->err, sizeof(in->err), "%s (%s) after %" PRIu64 " decompressed bytes", what, detail,
           bytes);
  return VP_IN_ERR;
}

static int fail(vp_input_t *in, const char *what, const char *detail) {
  return fail_at(in, what, detail, in->out_bytes);
}

/* Waits until fd is readable or the wake-up descriptor fires. */
static int wait_readable(vp_input_t *in) {
  struct pollfd p[2];
  nfds_t n = 1;
  int rc;

  if (in->regular) {
    p[0].fd = in->wake_fd;
    p[0].events = POLLIN;
    p[0].revents = 0;
    if (in->wake_fd >= 0 && in->reads++ % WAKE_EVERY == 0 && poll(p, 1, 0) > 0 &&
        p[0].revents != 0)
      return VP_IN_STOP;
    return VP_IN_OK;
  }
  p[0].fd = in->fd;
  p[0].events = POLLIN;
  if (in->wake_fd >= 0) {
    p[1].fd = in->wake_fd;
    p[1].events = POLLIN;
    n = 2;
  }
  for (;;) {
    rc = poll(p, n, -1);
    if (rc >= 0)
      break;
    if (errno != EINTR)
      return fail(in, "poll failed", strerror(errno));
  }
  if (n == 2 && p[1].revents != 0)
    return VP_IN_STOP;
  return VP_IN_OK;
}

/* One read() into dst; VP_IN_OK with *got > 0, or EOF/ERR/STOP. */
static int read_some(vp_input_t *in, void *dst, size_t cap, size_t *got) {
  char why[160] = "";
  ssize_t n;
  int rc;

  if (in->read_fn != NULL) {
    rc = in->read_fn(in->read_ctx, dst, cap, got, why, sizeof(why));
    return rc == VP_IN_ERR ? fail(in, "read failed", why) : rc;
  }
  for (;;) {
    if ((rc = wait_readable(in)) != VP_IN_OK)
      return rc;
    n = read(in->fd, dst, cap);
    if (n > 0) {
      *got = (size_t)n;
      return VP_IN_OK;
    }
    if (n == 0)
      return VP_IN_EOF;
    if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
      return fail(in, "read failed", strerror(errno));
  }
}

/* Moves unused input to the front of raw and appends one read() to it. */
static int refill(vp_input_t *in) {
  size_t have = in->zs.avail_in, got = 0;
  int rc;

  if (have > 0 && in->zs.next_in != in->raw)
    memmove(in->raw, in->zs.next_in, have);
  in->zs.next_in = in->raw;
  rc = read_some(in, in->raw + have, in->raw_cap - have, &got);
  if (rc == VP_IN_EOF)
    in->raw_eof = 1;
  in->zs.avail_in = (uInt)(have + got);
  return rc;
}

#ifdef VP_HAVE_LIBDEFLATE
/* Reads the rest of a regular file into raw. 0 when it all came and fits
 * in WHOLE_IN bytes; -1 leaves what was read in raw for the stream. */
static int read_all(vp_input_t *in) {
  struct stat st;
  unsigned char *nraw;
  size_t have = in->zs.avail_in, got;
  int rc;

  if (fstat(in->fd, &st) != 0 || st.st_size < 0 || (uint64_t)st.st_size > WHOLE_IN)
    return -1;
  if (have > 0 && in->zs.next_in != in->raw)
    memmove(in->raw, in->zs.next_in, have);
  /* One byte over the size says whether the file grew while read. */
  if ((size_t)st.st_size + 1 > in->raw_cap) {
    if (!(nraw = realloc(in->raw, (size_t)st.st_size + 1)))
      return -1;
    in->raw = nraw;
    in->raw_cap = (size_t)st.st_size + 1;
  }
  in->zs.next_in = in->raw;
  while (!in->raw_eof && have < in->raw_cap) {
    got = 0;
    rc = read_some(in, in->raw + have, in->raw_cap - have, &got);
    have += got;
    in->zs.avail_in = (uInt)have;
    if (rc == VP_IN_EOF)
      in->raw_eof = 1;
    else if (rc != VP_IN_OK)
      return -1;
  }
  return in->raw_eof ? 0 : -1;
}

/* Inflates raw[0..avail_in), every member of it, into in->whole. 0 when
 * all of it is gzip members that inflate cleanly within WHOLE_OUT; else -1
 * and nothing changes, so zlib's stream reports damage, a cut or junk
 * after the last member exactly as it always did. */
static int inflate_whole(vp_input_t *in) {
  const unsigned char *raw = in->raw, *end = raw + in->zs.avail_in, *p = raw;
  enum libdeflate_result r = LIBDEFLATE_BAD_DATA;
  struct libdeflate_decompressor *d;
  unsigned char *out = NULL, *nout;
  size_t cap = 0, len = 0, used, got;

  if (end - raw >= 4) /* the last member's size, mod 2^32: a first guess */
    cap = (size_t)end[-4] | (size_t)end[-3] << 8 | (size_t)end[-2] << 16 |
          (size_t)end[-1] << 24;
  cap = cap < 4096 ? 4096 : cap > WHOLE_OUT ? WHOLE_OUT : cap;
  if (!(d = libdeflate_alloc_decompressor()))
    return -1;
  for (;;) { /* one try per size of out */
    if (!(nout = realloc(out, cap)))
      break;
    out = nout;
    for (p = raw, len = 0; p < end; p += used, len += got) {
      if (end - p < 2 || p[0] != 0x1f || p[1] != 0x8b) {
        r = LIBDEFLATE_BAD_DATA; /* junk after a member */
        break;
      }
      r = libdeflate_gzip_decompress_ex(d, p, (size_t)(end - p), out + len, cap - len, &used,
                                        &got);
      if (r != LIBDEFLATE_SUCCESS)
        break;
    }
    if (r != LIBDEFLATE_INSUFFICIENT_SPACE || cap == WHOLE_OUT)
      break;
    cap = cap * 2 > WHOLE_OUT ? WHOLE_OUT : cap * 2;
  }
  libdeflate_free_decompressor(d);
  if (r != LIBDEFLATE_SUCCESS || p != end) {
    free(out);
    return -1;
  }
  in->whole = out;
  in->whole_len = len;
  in->whole_pos = 0;
  free(in->raw); /* read from whole from now on */
  in->raw = NULL;
  in->raw_cap = 0;
  in->zs.next_in = NULL;
  in->zs.avail_in = 0;
  return 0;
}
#endif

/* Reads until two bytes are there (or EOF) and checks for the gzip magic. */
static int sniff(vp_input_t *in) {
  int rc;

  while (in->zs.avail_in < 2 && !in->raw_eof) {
    rc = refill(in);
    if (rc == VP_IN_ERR || rc == VP_IN_STOP)
      return rc;
  }
  in->sniffed = 1;
  in->gzip = in->zs.avail_in >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b;
  if (in->gzip) {
    if (inflateInit2(&in->zs, 16 + MAX_WBITS) != Z_OK)
      return fail(in, "zlib inflateInit2 failed", "out of memory");
    in->zinit = 1;
#ifdef VP_HAVE_LIBDEFLATE
    if (in->regular && in->read_fn == NULL && read_all(in) == 0)
      inflate_whole(in);
#endif
  }
  return VP_IN_OK;
}

/* Plain stream: hand out the sniffed bytes first, then read straight into buf. */
static int read_plain(vp_input_t *in, void *buf, size_t cap, size_t *got) {
  size_t n;

  if (in->zs.avail_in > 0) {
    n = in->zs.avail_in < cap ? in->zs.avail_in : cap;
    memcpy(buf, in->zs.next_in, n);
    in->zs.next_in += n;
    in->zs.avail_in -= (uInt)n;
    *got = n;
    return VP_IN_OK;
  }
  if (in->raw_eof)
    return VP_IN_EOF;
  return read_some(in, buf, cap, got);
}

static const char *zname(int ret) {
  switch (ret) {
  case Z_DATA_ERROR:
    return "zlib Z_DATA_ERROR";
  case Z_MEM_ERROR:
    return "zlib Z_MEM_ERROR";
  case Z_NEED_DICT:
    return "zlib Z_NEED_DICT";
  case Z_STREAM_ERROR:
    return "zlib Z_STREAM_ERROR";
  default:
    return "zlib error";
  }
}

/* After one member ends: more gzip follows, or the stream is over. */
static int next_member(vp_input_t *in) {
  int rc;

  while (in->zs.avail_in == 0 && !in->raw_eof) {
    rc = refill(in);
    if (rc == VP_IN_ERR || rc == VP_IN_STOP)
      return rc;
  }
  if (in->zs.avail_in == 0)
    return VP_IN_EOF;
  if (in->zs.next_in[0] != 0x1f) {
    in->cut = 1; /* the members before it ended whole, their CRCs checked */
    return fail(in, "trailing data after the gzip stream", "not a gzip member");
  }
  inflateReset(&in->zs);
  in->member_end = 0;
  return VP_IN_OK;
}

/* Inflates into buf until some output comes; a cut stream is an error. */
static int read_gzip(vp_input_t *in, void *buf, size_t cap, size_t *got) {
  int ret, rc;

  if (in->whole) {
    if (in->whole_pos == in->whole_len)
      return VP_IN_EOF;
    *got = in->whole_len - in->whole_pos < cap ? in->whole_len - in->whole_pos : cap;
    memcpy(buf, in->whole + in->whole_pos, *got);
    in->whole_pos += *got;
    return VP_IN_OK;
  }

  in->zs.next_out = buf;
  in->zs.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
  for (;;) {
    if (in->member_end && (rc = next_member(in)) != VP_IN_OK)
      return rc;
    ret = inflate(&in->zs, Z_NO_FLUSH);
    *got = (size_t)(in->zs.next_out - (Bytef *)buf);
    if (ret == Z_STREAM_END) {
      in->member_end = 1;
    } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
      fail_at(in, zname(ret), in->zs.msg != NULL ? in->zs.msg : "corrupt data",
              in->out_bytes + *got);
      /* Hand out what came before the damage; report it on the next call. */
      in->pending = VP_IN_ERR;
      return *got > 0 ? VP_IN_OK : VP_IN_ERR;
    }
    if (*got > 0)
      return VP_IN_OK;
    if (in->member_end || in->zs.avail_in > 0)
      continue;
    if (in->raw_eof) {
      in->cut = 1;
      return fail(in, "zlib Z_BUF_ERROR", "unexpected end of file, the gzip data is cut");
    }
    rc = refill(in);
    if (rc == VP_IN_ERR || rc == VP_IN_STOP)
      return rc;
  }
}

int vp_input_read(vp_input_t *in, void *buf, size_t cap, size_t *got) {
  int rc;

  *got = 0;
  if (in->pending != 0)
    return in->pending;
  if (!in->sniffed && (rc = sniff(in)) != VP_IN_OK)
    return rc;
  rc = in->gzip ? read_gzip(in, buf, cap, got) : read_plain(in, buf, cap, got);
  in->out_bytes += *got;
  if (rc == VP_IN_EOF || rc == VP_IN_ERR)
    in->pending = rc;
  return rc;
}
