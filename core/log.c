#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static vigil_log_level_t cur_level = VIGIL_LOG_WARN;
static vigil_logfmt_t cur_fmt = VIGIL_LOGFMT_TEXT;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

static const char *level_names[] = {"error", "warn", "info", "debug"};

void vigil_log_setup(vigil_log_level_t level, vigil_logfmt_t fmt) {
  cur_level = level;
  cur_fmt = fmt;
}

vigil_log_level_t vigil_log_level(void) {
  return cur_level;
}

/* JSON-escapes s into out (always terminated). */
static void json_escape(char *out, size_t cap, const char *s) {
  size_t o = 0;

  for (; *s && o + 7 < cap; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      out[o++] = '\\';
      out[o++] = (char)c;
    } else if (c < 0x20) {
      o += (size_t)snprintf(out + o, cap - o, "\\u%04x", c);
    } else {
      out[o++] = (char)c;
    }
  }
  out[o] = '\0';
}

void vigil_logv(vigil_log_level_t level, const char *tag, const char *fmt, va_list ap) {
  char msg[2048];
  char esc[4096];
  char ts[32];
  struct timespec now;
  struct tm tm;

  if (level > cur_level)
    return;
  vsnprintf(msg, sizeof(msg), fmt, ap);
  pthread_mutex_lock(&log_mu);
  if (cur_fmt == VIGIL_LOGFMT_JSON) {
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
    json_escape(esc, sizeof(esc), msg);
    fprintf(stderr,
            "{\"time\":\"%s.%03ldZ\",\"level\":\"%s\",\"component\":\"%s\","
            "\"msg\":\"%s\"}\n",
            ts, now.tv_nsec / 1000000, level_names[level], tag ? tag : "vigil", esc);
  } else if (tag) {
    fprintf(stderr, "vigil: %s: [%s] %s\n", level_names[level], tag, msg);
  } else {
    fprintf(stderr, "vigil: %s: %s\n", level_names[level], msg);
  }
  pthread_mutex_unlock(&log_mu);
}

void vigil_log(vigil_log_level_t level, const char *tag, const char *fmt, ...) {
  va_list ap;

  va_start(ap, fmt);
  vigil_logv(level, tag, fmt, ap);
  va_end(ap);
}
