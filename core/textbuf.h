/*
 * A growing, always NUL-terminated text buffer, for output built piece by
 * piece (alerts, rendered templates). Running out of memory is remembered
 * (oom) and later puts do nothing, so callers check once at the end.
 */
#ifndef VIGIL_TEXTBUF_H
#define VIGIL_TEXTBUF_H

#include <stddef.h>
#include <stdint.h>

typedef struct vigil_tbuf_s {
  char *p;
  size_t len;
  size_t cap;
  int oom;
} vigil_tbuf_t;

/* Room for more bytes (and the NUL) at p + len: 0, or -1 when out of memory. */
int vigil_tbuf_reserve(vigil_tbuf_t *b, size_t more);

void vigil_tbuf_put(vigil_tbuf_t *b, const char *s, size_t n);
void vigil_tbuf_puts(vigil_tbuf_t *b, const char *s);
void vigil_tbuf_u64(vigil_tbuf_t *b, uint64_t v);

/* s as a JSON string, quoted and escaped as cJSON prints one (", \, the
 * short escapes, other bytes under 0x20 as \u00XX, the rest unchanged);
 * NULL writes null. */
void vigil_tbuf_jstr(vigil_tbuf_t *b, const char *s);

/* The JSON text json[0..len), which must be valid (as the scanner accepts
 * it), without the whitespace between its tokens: one line whatever the
 * input's layout. Strings and numbers are copied as they are written. */
void vigil_tbuf_json_min(vigil_tbuf_t *b, const char *json, size_t len);

/* The text, handed over (malloc'd; b is emptied), or NULL after oom. */
char *vigil_tbuf_take(vigil_tbuf_t *b);
void vigil_tbuf_free(vigil_tbuf_t *b);

#endif
