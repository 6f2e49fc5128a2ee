/*
 * One logger for the whole process: leveled, tagged, level checked first.
 *
 * Three line shapes, chosen once before threads start:
 *   plain text   "vigil: LEVEL: [tag] message" (one-shot commands)
 *   stamped text "TIME LEVEL [tag] message" (vigil run): tag is the
 *                instance for plugin lines, else the core component
 *   JSON         {"time","level","component"[,"instance"],"msg"} (vigil run)
 * TIME is UTC with milliseconds (2026-05-21T14:09:40.123Z). Stamped and
 * JSON lines never span lines: control characters in a message are
 * escaped (JSON) or shown as \n, \t, \xNN (text), and JSON replaces bytes
 * that are not UTF-8 with U+FFFD so every line parses.
 */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

#include <stdarg.h>

#include "vigil/plugin.h"

typedef enum { VIGIL_LOGFMT_TEXT = 0, VIGIL_LOGFMT_JSON = 1 } vigil_logfmt_t;

/* Process-wide settings; call before threads start. */
void vigil_log_setup(vigil_log_level_t level, vigil_logfmt_t fmt);
/* Text lines start with the time instead of "vigil: " (vigil run). */
void vigil_log_stamped(int on);
/*
 * The pipeline's instance names (vigil run). A line the core logs with one
 * of them as its tag (a sink's delivery, its spool, a start failure) comes
 * out as component "host" with that instance, so JSON keeps the two apart.
 * An instance named like a core part ("rules") takes that part's lines
 * too. Before threads start; at most 64 names, longer than 127 bytes not.
 */
void vigil_log_instances(const char *const *names, int n);
vigil_log_level_t vigil_log_level(void);
/* "error", "warn", "info", "debug". */
const char *vigil_log_level_name(vigil_log_level_t level);

/* Writes one line to stderr. tag NULL means "vigil". Thread-safe. */
void vigil_logv(vigil_log_level_t level, const char *tag, const char *fmt, va_list ap);
void vigil_log(vigil_log_level_t level, const char *tag, const char *fmt, ...)
    VIGIL_PRINTF(3, 4);
/* A plugin instance's line: component is e.g. "source.http", instance the
 * configured name (text lines show the instance as their tag). */
void vigil_logv_inst(vigil_log_level_t level, const char *component, const char *instance,
                     const char *fmt, va_list ap);
/* The same from the core about an instance's data, e.g. component "decode"
 * and the source's name, so JSON lines keep component and instance apart. */
void vigil_log_inst(vigil_log_level_t level, const char *component, const char *instance,
                    const char *fmt, ...) VIGIL_PRINTF(4, 5);

#define VIGIL_LOG_ON(lvl) ((lvl) <= vigil_log_level())
#define vigil_error(tag, ...) vigil_log(VIGIL_LOG_ERROR, tag, __VA_ARGS__)
#define vigil_warn(tag, ...) vigil_log(VIGIL_LOG_WARN, tag, __VA_ARGS__)
#define vigil_info(tag, ...)                                                                      \
  do {                                                                                            \
    if (VIGIL_LOG_ON(VIGIL_LOG_INFO))                                                             \
      vigil_log(VIGIL_LOG_INFO, tag, __VA_ARGS__);                                                \
  } while (0)
#define vigil_debug(tag, ...)                                                                     \
  do {                                                                                            \
    if (VIGIL_LOG_ON(VIGIL_LOG_DEBUG))                                                            \
      vigil_log(VIGIL_LOG_DEBUG, tag, __VA_ARGS__);                                               \
  } while (0)

#endif
