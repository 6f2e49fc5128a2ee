/*
 * A byte stream read from a file descriptor (or from a read function, such
 * as a zip archive member), gunzipped when its first two bytes are the gzip
 * magic, passed through otherwise.
 *
 * Why not gzread(): zlib's gzread fills its whole buffer before returning
 * (a live pipe would hold records back until 8 KiB or more arrived), and it
 * blocks in read() where a stop request cannot reach it. This reader polls
 * the descriptor together with a wake-up descriptor, returns whatever a
 * read() gave, and handles concatenated gzip members like gzip(1) does.
 */
#ifndef VP_INPUT_H
#define VP_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include <zlib.h>

enum {
  VP_IN_OK = 0,  /* got > 0 bytes */
  VP_IN_EOF = 1, /* clean end of the stream */
  VP_IN_ERR = 2, /* read or decompression error; see vp_input_error() */
  VP_IN_STOP = 3 /* the wake-up descriptor became readable */
};

/*
 * Reads up to `cap` raw bytes into buf: VP_IN_OK with *got > 0, VP_IN_EOF,
 * VP_IN_STOP, or VP_IN_ERR with the cause written to err[0..errlen).
 */
typedef int (*vp_read_fn)(void *ctx, void *buf, size_t cap, size_t *got, char *err, size_t errlen);

typedef struct vp_input_s {
  int fd;             /* not owned: never closed here; -1 when read_fn is used */
  int wake_fd;        /* -1 for none */
  vp_read_fn read_fn; /* NULL: read() the descriptor */
  void *read_ctx;
  unsigned char *raw; /* compressed (or sniffed) bytes not yet used */
  size_t raw_cap;
  z_stream zs;
  int sniffed;    /* the gzip check has run */
  int gzip;       /* the stream is gzip */
  int zinit;      /* inflateInit2 succeeded */
  int member_end; /* between two gzip members */
  int raw_eof;
  int pending;        /* VP_IN_ERR or VP_IN_EOF to report on the next read */
  int cut;            /* the VP_IN_ERR leaves what came before sound: a gzip stream
                       * cut short, or junk after whole members (unlike a CRC or
                       * data error) */
  unsigned char *whole; /* a regular .gz file inflated at once (input.c), or NULL */
  size_t whole_len, whole_pos;
  uint64_t out_bytes; /* decompressed bytes handed out so far */
  int regular;        /* fd is a regular file: reads never wait */
  unsigned reads;     /* read() calls so far */
  char err[256];
} vp_input_t;

/* Prepares `in` to read `fd`; polls `wake_fd` too when it is >= 0. */
int vp_input_init(vp_input_t *in, int fd, int wake_fd);

/* Prepares `in` to read the raw bytes `fn(ctx, ...)` hands out. */
int vp_input_init_fn(vp_input_t *in, vp_read_fn fn, void *ctx);

/* Reads up to `cap` bytes of the decoded stream into buf; see the enum. */
int vp_input_read(vp_input_t *in, void *buf, size_t cap, size_t *got);

/* Text of the last VP_IN_ERR, naming the cause and the bytes read so far. */
const char *vp_input_error(const vp_input_t *in);

/* Frees what init allocated; does not close the descriptors. */
void vp_input_fini(vp_input_t *in);

#endif
