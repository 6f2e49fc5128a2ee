/* What the sinks share: a growable byte buffer and a write that finishes. */
#ifndef VP_OUTPUT_H
#define VP_OUTPUT_H

#include <stddef.h>

typedef struct vp_buf_s {
  char *p;
  size_t len, cap;
} vp_buf_t;

/* Appends; returns 0 or -1 when out of memory (b is unchanged then). */
int vp_buf_add(vp_buf_t *b, const void *p, size_t n);
int vp_buf_addc(vp_buf_t *b, char c);
int vp_buf_adds(vp_buf_t *b, const char *s);
void vp_buf_free(vp_buf_t *b);

/*
 * Writes all n bytes, going on after partial writes, EINTR and EAGAIN (a
 * non-blocking descriptor is waited on with poll). Returns 0 or an errno
 * value; *written says how much reached the descriptor either way.
 */
int vp_write_all(int fd, const void *p, size_t n, size_t *written);

#endif
