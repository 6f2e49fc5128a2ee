/*
 * libFuzzer target for the JSON scanner (build and run: README.md here).
 *
 * The input is copied to an exact-size buffer, so ASan catches any read
 * past the end. Beyond "no crash", it checks that the entry points agree
 * with each other: the object scan, the value scan and the array iterator
 * give the same verdict on the same text, every span found lies inside
 * the buffer and scans again as the same value, and decoding a string is
 * consistent between vigil_jval_str (at every capacity) and
 * vigil_jval_streq.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond))                                                                                   \
      abort();                                                                                     \
  } while (0)

static const char *base, *limit;

/* v lies in the input and, scanned on its own, is the same value. */
static void check_span(const vigil_jval_t *v) {
  vigil_jval_t again;
  const char *p = v->p;
  size_t n = v->len;

  CHECK(v->p >= base && v->p + v->len <= limit);
  if (v->type == VIGIL_J_STRING) {
    p--; /* the quotes around it */
    n += 2;
  }
  CHECK(vigil_scan_value(p, n, &again, NULL) == 0);
  CHECK(again.type == v->type && again.len == v->len && again.p == v->p);
}

static void check_string(const vigil_jval_t *v) {
  char full[512], part[8];
  size_t n, cap, k;

  if (v->type != VIGIL_J_STRING || v->len >= sizeof full)
    return; /* decoded text is never longer than its escaped form */
  n = vigil_jval_str(v, full, sizeof full);
  CHECK(n < sizeof full && full[n] == '\0');
  if (strlen(full) == n) /* no decoded NUL */
    CHECK(vigil_jval_streq(v, full));
  for (cap = 0; cap <= sizeof part; cap++) {
    CHECK(vigil_jval_str(v, part, cap) == n);
    if (cap == 0)
      continue;
    k = strlen(part);
    CHECK(k < cap && memcmp(part, full, k) == 0); /* a prefix of the whole */
  }
}

static void check_array(const vigil_jval_t *arr) {
  vigil_scan_iter_t it;
  vigil_scan_err_t err;
  vigil_jval_t e;
  int rc, guard = 0;

  vigil_scan_array_begin(&it, arr);
  while ((rc = vigil_scan_array_next(&it, &e, &err)) == 1 && guard++ < 64) {
    check_span(&e);
    check_string(&e);
  }
  CHECK(rc != -1); /* a validated array never fails to iterate */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const keys[] = {"a", "b", "", "eventName", "Records"};
  vigil_jval_t whole, vals[5], hand;
  vigil_scan_err_t ev, eo, ea;
  vigil_scan_iter_t it;
  int rv, ro, rc;
  char *buf = malloc(size ? size : 1);
  size_t i;

  if (!buf)
    return 0;
  memcpy(buf, data, size);
  base = buf;
  limit = buf + size;

  rv = vigil_scan_value(buf, size, &whole, &ev);
  ro = vigil_scan_object(buf, size, keys, 5, vals, &eo);
  if (rv == 0) {
    check_span(&whole);
    CHECK(ro == (whole.type == VIGIL_J_OBJECT ? 0 : -1));
    if (ro != 0)
      CHECK(strcmp(eo.what, "not an object") == 0);
    if (whole.type == VIGIL_J_ARRAY)
      check_array(&whole);
    check_string(&whole);
  } else {
    CHECK(ro == -1 && ev.what && ev.offset <= size);
    CHECK(eo.offset == ev.offset && strcmp(eo.what, ev.what) == 0); /* same first error */
  }
  for (i = 0; i < 5; i++) {
    CHECK(ro == 0 || vals[i].type == VIGIL_J_NONE);
    if (vals[i].type == VIGIL_J_NONE)
      continue;
    check_span(&vals[i]);
    check_string(&vals[i]);
    if (vals[i].type == VIGIL_J_ARRAY)
      check_array(&vals[i]);
  }

  /* The iterator on raw text from a '[': it validates as it goes, and
   * walks to the end exactly when the whole text is a valid array. */
  if (size > 0 && buf[0] == '[') {
    hand.type = VIGIL_J_ARRAY;
    hand.escaped = 0;
    hand.p = buf;
    hand.len = size;
    vigil_scan_array_begin(&it, &hand);
    while ((rc = vigil_scan_array_next(&it, &whole, &ea)) == 1)
      check_span(&whole);
    CHECK((rc == 0) == (rv == 0));
    if (rc == -1)
      CHECK(ea.offset <= size);
  }
  free(buf);
  return 0;
}
