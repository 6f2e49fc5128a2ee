/* Loading bearer tokens from files or the environment, and comparing them. */
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A token file is a line, not a document. */
#define MAX_TOKEN_FILE 4096

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims blanks in place and checks what is left; returns 0 or -1. */
static int tidy(char *s, const char *where, char *err, size_t errlen) {
  size_t n = strlen(s), i = 0;

  while (n > 0 && is_blank(s[n - 1]))
    s[--n] = '\0';
  while (is_blank(s[i]))
    i++;
  memmove(s, s + i, n - i + 1);
  if (s[0] == '\0') {
    snprintf(err, errlen, "the token in %s is empty", where);
    return -1;
  }
  for (i = 0; s[i] != '\0'; i++) {
    if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f) {
      snprintf(err, errlen, "the token in %s holds a blank, control or non-ASCII byte", where);
      return -1;
    }
  }
  return 0;
}

static char *read_file(const char *file, char *warn, size_t warnlen, char *err, size_t errlen) {
  struct stat st;
  char *buf = NULL;
  ssize_t got;
  int fd;

  fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errlen, "cannot open token file \"%s\": %s", file, strerror(errno));
    return NULL;
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "token file \"%s\" is not a regular file", file);
    goto out;
  }
  if (st.st_mode & (S_IRWXG | S_IRWXO))
    snprintf(warn, warnlen, "token file \"%s\" is readable by group or others (mode %03o)", file,
             (unsigned)(st.st_mode & 0777));
  buf = malloc(MAX_TOKEN_FILE + 1);
  if (buf == NULL) {
    snprintf(err, errlen, "out of memory reading token file \"%s\"", file);
    goto out;
  }
  got = read(fd, buf, MAX_TOKEN_FILE + 1);
  if (got < 0 || got > MAX_TOKEN_FILE) {
    snprintf(err, errlen, "token file \"%s\": %s", file,
             got < 0 ? strerror(errno) : "longer than 4096 bytes");
    free(buf);
    buf = NULL;
    goto out;
  }
  buf[got] = '\0';
  if (strlen(buf) != (size_t)got) {
    snprintf(err, errlen, "token file \"%s\" holds a NUL byte", file);
    vp_secret_free(buf);
    buf = NULL;
  }
out:
  close(fd);
  return buf;
}

int vp_secret_load(const char *file, const char *env, char **out, char *warn, size_t warnlen,
                   char *err, size_t errlen) {
  char where[300];
  const char *v;
  char *s;

  *out = NULL;
  if (warnlen > 0)
    warn[0] = '\0';
  if (file != NULL) {
    s = read_file(file, warn, warnlen, err, errlen);
    snprintf(where, sizeof(where), "file \"%s\"", file);
  } else {
    v = getenv(env);
    if (v == NULL) {
      snprintf(err, errlen, "environment variable %s is not set", env);
      return -1;
    }
    s = strdup(v);
    if (s == NULL)
      snprintf(err, errlen, "out of memory");
    snprintf(where, sizeof(where), "environment variable %s", env);
  }
  if (s == NULL)
    return -1;
  if (tidy(s, where, err, errlen) != 0) {
    vp_secret_free(s);
    return -1;
  }
  *out = s;
  return 0;
}

int vp_secret_equal(const char *given, size_t given_len, const char *want, size_t want_len) {
  volatile unsigned char diff = 0;
  unsigned char g;
  size_t i;

  /* Walk the expected token whatever the given length; past the end of the
   * given bytes compare against zero, and fold the length check in last. */
  for (i = 0; i < want_len; i++) {
    g = i < given_len ? (unsigned char)given[i] : 0;
    diff |= (unsigned char)(g ^ (unsigned char)want[i]);
  }
  diff |= (unsigned char)(given_len != want_len);
  return diff == 0;
}

void vp_secret_free(char *s) {
  volatile char *p = s;

  if (s == NULL)
    return;
  while (*p != '\0')
    *p++ = '\0';
  free(s);
}
