/* One logger for the whole process: leveled, tagged, level checked first. */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

#include <stdarg.h>

#include "vigil/plugin.h"

typedef enum { VIGIL_LOGFMT_TEXT = 0, VIGIL_LOGFMT_JSON = 1 } vigil_logfmt_t;

/* Process-wide settings; call before threads start. */
void vigil_log_setup(vigil_log_level_t level, vigil_logfmt_t fmt);
vigil_log_level_t vigil_log_level(void);

/* Writes one line to stderr: "vigil: level: [tag] message". Thread-safe. */
void vigil_logv(vigil_log_level_t level, const char *tag, const char *fmt, va_list ap);
void vigil_log(vigil_log_level_t level, const char *tag, const char *fmt, ...)
    VIGIL_PRINTF(3, 4);

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
