/* Byte buffer and full-write loop for the sinks. */
#include "output.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int vp_buf_add(vp_buf_t *b, const void *p, size_t n) {
  size_t ncap;
  char *np;

  if (b->cap - b->len < n) {
    ncap = b->cap > 0 ? b->cap : 256;
    while (ncap - b->len < n) {
      if (ncap > (size_t)-1 / 2)
        return -1;
      ncap *= 2;
    }
    np = realloc(b->p, ncap);
    if (np == NULL)
      return -1;
    b->p = np;
    b->cap = ncap;
  }
  if (n > 0)
    memcpy(b->p + b->len, p, n);
  b->len += n;
  return 0;
}

int vp_buf_addc(vp_buf_t *b, char c) {
  return vp_buf_add(b, &c, 1);
}

int vp_buf_adds(vp_buf_t *b, const char *s) {
  return vp_buf_add(b, s, strlen(s));
}

void vp_buf_free(vp_buf_t *b) {
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

int vp_write_all(int fd, const void *p, size_t n, size_t *written) {
  const char *c = p;
  struct pollfd pfd;
  ssize_t w;

  *written = 0;
  while (*written < n) {
    w = write(fd, c + *written, n - *written);
    if (w > 0) {
      *written += (size_t)w;
      continue;
    }
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pfd.fd = fd;
      pfd.events = POLLOUT;
      if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
        return errno;
      continue;
    }
    return w < 0 ? errno : EIO;
  }
  return 0;
}
