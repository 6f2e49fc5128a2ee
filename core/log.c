/* The logger (line shapes in log.h). Formatting happens outside the lock;
 * the lock only keeps one line's bytes together. */
#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static vigil_log_level_t cur_level = VIGIL_LOG_WARN;
static vigil_logfmt_t cur_fmt = VIGIL_LOGFMT_TEXT;
static int cur_stamped;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static char inst_names[64][128];
static int ninst;

static const char *level_names[] = {"error", "warn", "info", "debug"};

void vigil_log_setup(vigil_log_level_t level, vigil_logfmt_t fmt) {
  cur_level = level;
  cur_fmt = fmt;
}

void vigil_log_stamped(int on) {
  cur_stamped = on;
}

void vigil_log_instances(const char *const *names, int n) {
  int i;

  ninst = 0;
  for (i = 0; i < n && ninst < 64; i++) {
    if (names[i] && strlen(names[i]) < sizeof(inst_names[0]))
      strcpy(inst_names[ninst++], names[i]);
  }
}

static int is_instance(const char *tag) {
  int i;

  for (i = 0; i < ninst; i++)
    if (strcmp(inst_names[i], tag) == 0)
      return 1;
  return 0;
}

vigil_log_level_t vigil_log_level(void) {
  return cur_level;
}

const char *vigil_log_level_name(vigil_log_level_t level) {
  return (unsigned)level <= VIGIL_LOG_DEBUG ? level_names[level] : "?";
}

/* Length of the valid UTF-8 sequence at s (1 to 4), or 0 if none. */
static size_t utf8_len(const unsigned char *s) {
  size_t n, i;
  unsigned cp;

  if (s[0] < 0x80)
    return 1;
  if (s[0] >= 0xc2 && s[0] <= 0xdf)
    n = 2, cp = s[0] & 0x1fu;
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
    n = 3, cp = s[0] & 0x0fu;
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
    n = 4, cp = s[0] & 0x07u;
  else
    return 0;
  for (i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3fu);
  }
  /* Overlong forms, surrogates and past U+10FFFF are not UTF-8. */
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
      (cp >= 0xd800 && cp <= 0xdfff))
    return 0;
  return n;
}

/*
 * Copies s into out[0..cap) escaped for a JSON string (json) or for one
 * text line; always terminated, cut at a whole character.
 */
static void escape(char *out, size_t cap, const char *s, int json) {
  const unsigned char *p = (const unsigned char *)s;
  size_t o = 0, n;

  while (*p && o + 8 < cap) {
    if (*p == '"' && json) {
      out[o++] = '\\';
      out[o++] = '"';
      p++;
    } else if (*p == '\\' && json) {
      out[o++] = '\\';
      out[o++] = '\\';
      p++;
    } else if (*p == '\n' || *p == '\t') {
      out[o++] = '\\';
      out[o++] = *p == '\n' ? 'n' : 't';
      p++;
    } else if (*p < 0x20 || *p == 0x7f) {
      o += (size_t)snprintf(out + o, cap - o, json ? "\\u%04x" : "\\x%02x", *p);
      p++;
    } else if (!json || (n = utf8_len(p)) == 1) {
      out[o++] = (char)*p++;
    } else if (n == 0) {
      o += (size_t)snprintf(out + o, cap - o, "\\ufffd");
      p++;
    } else {
      memcpy(out + o, p, n);
      o += n;
      p += n;
    }
  }
  out[o] = '\0';
}

static void stamp(char *ts, size_t cap) {
  struct timespec now;
  struct tm tm;
  char sec[24];

  clock_gettime(CLOCK_REALTIME, &now);
  gmtime_r(&now.tv_sec, &tm);
  strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(ts, cap, "%s.%03ldZ", sec, now.tv_nsec / 1000000);
}

static void emit(vigil_log_level_t level, const char *component, const char *instance,
                 const char *msg) {
  char esc[4096], comp[160], inst[160], ts[40];
  const char *tag = instance ? instance : component;

  if (cur_fmt == VIGIL_LOGFMT_JSON) {
    stamp(ts, sizeof(ts));
    escape(esc, sizeof(esc), msg, 1);
    escape(comp, sizeof(comp), component, 1);
    escape(inst, sizeof(inst), instance ? instance : "", 1);
    pthread_mutex_lock(&log_mu);
    fprintf(stderr,
            "{\"time\":\"%s\",\"level\":\"%s\",\"component\":\"%s\"%s%s%s,\"msg\":\"%s\"}\n",
            ts, level_names[level], comp, instance ? ",\"instance\":\"" : "", inst,
            instance ? "\"" : "", esc);
    pthread_mutex_unlock(&log_mu);
  } else if (cur_stamped) {
    stamp(ts, sizeof(ts));
    escape(esc, sizeof(esc), msg, 0);
    escape(inst, sizeof(inst), tag, 0);
    pthread_mutex_lock(&log_mu);
    fprintf(stderr, "%s %s [%s] %s\n", ts, level_names[level], inst, esc);
    pthread_mutex_unlock(&log_mu);
  } else {
    pthread_mutex_lock(&log_mu);
    if (tag && strcmp(tag, "vigil") != 0)
      fprintf(stderr, "vigil: %s: [%s] %s\n", level_names[level], tag, msg);
    else
      fprintf(stderr, "vigil: %s: %s\n", level_names[level], msg);
    pthread_mutex_unlock(&log_mu);
  }
}

void vigil_logv(vigil_log_level_t level, const char *tag, const char *fmt, va_list ap) {
  char msg[2048];

  if (level > cur_level)
    return;
  vsnprintf(msg, sizeof(msg), fmt, ap);
  if (tag && is_instance(tag))
    emit(level, "host", tag, msg);
  else
    emit(level, tag ? tag : "vigil", NULL, msg);
}

void vigil_logv_inst(vigil_log_level_t level, const char *component, const char *instance,
                     const char *fmt, va_list ap) {
  char msg[2048];

  if (level > cur_level)
    return;
  vsnprintf(msg, sizeof(msg), fmt, ap);
  emit(level, component ? component : "plugin", instance, msg);
}

void vigil_log_inst(vigil_log_level_t level, const char *component, const char *instance,
                    const char *fmt, ...) {
  va_list ap;

  va_start(ap, fmt);
  vigil_logv_inst(level, component, instance, fmt, ap);
  va_end(ap);
}

void vigil_log(vigil_log_level_t level, const char *tag, const char *fmt, ...) {
  va_list ap;

  va_start(ap, fmt);
  vigil_logv(level, tag, fmt, ap);
  va_end(ap);
}
