/*
 * The scanner's record passes beyond one object's keys: keys prepared once
 * (vigil_scan_keys_t) and compared by words, a nested member's object read
 * in the record's own pass (vigil_scan_object_nest), and an array of
 * records checked and read in one pass (vigil_scan_array_next_record),
 * each against the simpler calls it replaces.
 *
 * Every scan runs on an exact-size malloc'd copy with no NUL after it, so
 * under ASan a read past buf + len fails the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

/* An exact-size copy of n bytes of text: nothing readable after it. */
static char *exact(const char *text, size_t n) {
  char *b = malloc(n ? n : 1);

  assert_non_null(b);
  memcpy(b, text, n);
  return b;
}

/* vigil_scan_object_nest: the nested member's keys as vigil_scan_object
 * reads them on its object, in the same pass; the last occurrence of the
 * member wins (cleared when that one is no object); its name compared as
 * decoded; failures clear everything and report as vigil_scan_object_all. */
static void nested_member_in_one_pass(void **state) {
  static const char *const top[] = {"eventName", "userIdentity"};
  static const char *const in[] = {"type", "arn", "missing"};
  static const struct {
    const char *json;
    const char *type; /* the type value's text between quotes, NULL: absent */
  } cases[] = {
      {"{\"eventName\":\"A\",\"userIdentity\":{\"type\":\"Root\",\"arn\":\"x\"}}",
       "Root"},
      {"{\"userIdentity\":{\"type\":\"A\"},\"userIdentity\":{\"type\":\"B\"}}", "B"},
      {"{\"userIdentity\":{\"type\":\"A\"},\"userIdentity\":\"flat\"}", NULL},
      {"{\"userIdentity\":{\"type\":\"A\",\"type\":\"C\",\"x\":{\"type\":\"D\"}}}",
       "C"},
      {"{\"user\\u0049dentity\":{\"t\\u0079pe\":\"E\"}}", "E"},
      /* a name cut at \u0000 is userIdentity too, as the top-level key reads it */
      {"{\"userIdentity\":{\"type\":\"A\"},\"userIdentity\\u0000x\":{\"type\":\"G\"}}", "G"},
      {"{\"userIdentity\":{}}", NULL},
      {"{\"eventName\":\"A\"}", NULL},
      {"{\"other\":{\"type\":\"F\"}}", NULL},
  };
  static const char *const bad[] = {
      "{\"userIdentity\":{\"type\":\"A\",}}", "{\"userIdentity\":{\"type\" \"A\"}}",
      "{\"userIdentity\":{\"type\":\"A\"", "{\"userIdentity\":{\"type\":tru}}",
      "{\"userIdentity\":{\"a\":[1,}]}}"};
  vigil_jval_t v[2], w[2], n[3], m[3];
  vigil_scan_err_t e1, e2;
  vigil_scan_nest_t nest = {"userIdentity", 12, in, 3, n, NULL, NULL};
  size_t i;
  char *b;

  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    b = exact(cases[i].json, strlen(cases[i].json));
    assert_int_equal(vigil_scan_object_nest(b, strlen(cases[i].json), top, 2, v, NULL, &nest,
                                            NULL), 0);
    assert_int_equal(vigil_scan_object(b, strlen(cases[i].json), top, 2, w, NULL), 0);
    assert_int_equal(v[1].type, w[1].type); /* top-level values unchanged */
    assert_ptr_equal(v[1].p, w[1].p);
    if (!cases[i].type) {
      assert_int_equal(n[0].type, VIGIL_J_NONE);
    } else {
      assert_int_equal(n[0].type, VIGIL_J_STRING);
      assert_int_equal(n[0].len, strlen(cases[i].type));
      assert_memory_equal(n[0].p, cases[i].type, n[0].len);
    }
    if (w[1].type == VIGIL_J_OBJECT) { /* as a scan of the object itself */
      assert_int_equal(vigil_scan_object(w[1].p, w[1].len, in, 3, m, NULL), 0);
      assert_int_equal(n[1].type, m[1].type);
      assert_ptr_equal(n[1].p, m[1].p);
      assert_int_equal(n[2].type, VIGIL_J_NONE);
    }
    free(b);
  }
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    b = exact(bad[i], strlen(bad[i]));
    assert_int_equal(vigil_scan_object_nest(b, strlen(bad[i]), top, 2, v, NULL, &nest, &e1),
                     -1);
    assert_int_equal(vigil_scan_object_all(b, strlen(bad[i]), top, 2, w, NULL, &e2), -1);
    assert_int_equal(e1.offset, e2.offset);
    assert_string_equal(e1.what, e2.what);
    assert_int_equal(n[0].type, VIGIL_J_NONE);
    assert_int_equal(v[1].type, VIGIL_J_NONE);
    free(b);
  }
}

/* nest->all: every member of the object the top-level key gives (the last
 * of the name, compared as decoded), as vigil_scan_object_all lists that
 * object; not complete when that member is no object, when the object has
 * more members than fit, when there is none, or when the scan fails. The
 * worker primes the byte view's list of userIdentity with it. */
static void nest_members_are_the_objects_own(void **state) {
  static const char *const top[] = {"userIdentity"};
  static const char *const in[] = {"type"};
  static const struct {
    const char *json;
    int complete;
  } cases[] = {
      {"{\"userIdentity\":{\"type\":\"Root\",\"arn\":\"x\",\"s\":{\"a\":[1,{}]}}}", 1},
      {"{\"userIdentity\":{\"type\":\"A\"},\"userIdentity\":{\"b\":1,\"c\":2}}", 1},
      {"{\"userIdentity\":{\"type\":\"A\"},\"userIdentity\":null}", 0},
      {"{\"userIdentity\":{\"a\":1},\"user\\u0049dentity\":{\"b\":2}}", 1},
      {"{\"userIdentity\":{\"a\":1},\"userIdentity\\u0000x\":{\"b\":2,\"c\":3}}", 1},
      {"{\"userIdentity\":{}}", 1},
      {"{\"userIdentity\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5}}", 0},
      {"{\"eventName\":\"A\"}", 0},
      {"{\"userIdentity\":{\"a\":1},\"x\":tru}", 0},
  };
  vigil_scan_member_t um[4], own[8];
  vigil_scan_members_t uall = {um, 4, 0, 0}, oall = {own, 8, 0, 0};
  vigil_jval_t f[1], n[1], o[1];
  vigil_scan_nest_t nest = {"userIdentity", 12, in, 1, n, NULL, &uall};
  vigil_scan_keys_t ks;
  vigil_scan_iter_t it;
  vigil_jval_t arr, elem;
  size_t i, k, len;
  char *b, *a;
  int rc;

  (void)state;
  vigil_scan_keys_init(&ks, top, 1);
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    len = strlen(cases[i].json);
    b = exact(cases[i].json, len);
    rc = vigil_scan_object_nest(b, len, top, 1, f, NULL, &nest, NULL);
    assert_int_equal(uall.complete, cases[i].complete);
    if (cases[i].complete) {
      assert_int_equal(rc, 0);
      assert_int_equal(f[0].type, VIGIL_J_OBJECT);
      assert_int_equal(vigil_scan_object_all(f[0].p, f[0].len, in, 1, o, &oall, NULL), 0);
      assert_int_equal(uall.n, oall.n);
      for (k = 0; k < uall.n; k++) {
        assert_ptr_equal(um[k].name.p, own[k].name.p);
        assert_int_equal(um[k].name.len, own[k].name.len);
        assert_int_equal(um[k].name.escaped, own[k].name.escaped);
        assert_ptr_equal(um[k].val.p, own[k].val.p);
        assert_int_equal(um[k].val.len, own[k].val.len);
        assert_int_equal(um[k].val.type, own[k].val.type);
      }
    }
    /* the same as one record of an array: the same members, one byte on */
    a = malloc(len + 2);
    assert_non_null(a);
    a[0] = '[';
    memcpy(a + 1, cases[i].json, len);
    a[len + 1] = ']';
    arr = (vigil_jval_t){VIGIL_J_ARRAY, 0, a, len + 2};
    vigil_scan_array_begin(&it, &arr);
    rc = vigil_scan_array_next_record(&it, &ks, f, NULL, &nest, &elem, NULL);
    assert_int_equal(uall.complete, cases[i].complete);
    if (cases[i].complete) {
      assert_int_equal(rc, 1);
      assert_int_equal(uall.n, oall.n);
      for (k = 0; k < uall.n; k++) {
        assert_int_equal(um[k].name.p - a, own[k].name.p - b + 1);
        assert_int_equal(um[k].val.p - a, own[k].val.p - b + 1);
        assert_int_equal(um[k].val.len, own[k].val.len);
      }
    }
    free(a);
    free(b);
  }
}

/* Prepared keys compare names of 8 bytes and more by their first and last
 * 8 bytes, and the middle of longer ones: names that share both ends but
 * differ inside, or differ in one byte at any place, are not the key. */
static void prepared_keys_compare_whole_names(void **state) {
  static const char *const keys[] = {"abcdefgh", "abcdefghi", "abcdefghXYZijklmnop",
                                     "abcdefghijklmnop", "eventName", "eventTime", "e"};
  static const struct {
    const char *name;
    int want; /* the key's index, -1 none */
  } cases[] = {
      {"abcdefgh", 0},         {"abcdefgX", -1},        {"Xbcdefgh", -1},
      {"abcdefghi", 1},        {"abcdefghj", -1},       {"abcdefghXYZijklmnop", 2},
      {"abcdefghQQQijklmnop", -1}, {"abcdefghXYZijklmnoq", -1}, {"abcdefghijklmnop", 3},
      {"abcdefghijklmnoX", -1}, {"eventName", 4},       {"eventTime", 5},
      {"eventType", -1},       {"e", 6},                {"f", -1},
  };
  vigil_scan_keys_t ks;
  vigil_jval_t v[7];
  char json[128];
  size_t i;
  int k;

  (void)state;
  vigil_scan_keys_init(&ks, keys, 7);
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    snprintf(json, sizeof(json), "{\"%s\":1}", cases[i].name);
    assert_int_equal(vigil_scan_object_keys(json, strlen(json), &ks, v, NULL, NULL, NULL), 0);
    for (k = 0; k < 7; k++) {
      if ((v[k].type != VIGIL_J_NONE) != (k == cases[i].want))
        fail_msg("name %s: key %s %s", cases[i].name, keys[k],
                 v[k].type != VIGIL_J_NONE ? "matched" : "missed");
    }
    assert_int_equal(vigil_scan_object_valid_keys(json, strlen(json), &ks, v), 0);
    for (k = 0; k < 7; k++)
      assert_int_equal(v[k].type != VIGIL_J_NONE, k == cases[i].want);
  }
}

/* vigil_scan_array_next_record gives what vigil_scan_array_next and then
 * vigil_scan_object_keys on each element give, in one pass: the same
 * elements, fields, members and nested values, and the same error at the
 * same place for an element that breaks. */
static void array_of_records_in_one_pass(void **state) {
  static const char *const keys[] = {"eventName", "userIdentity", "x"};
  static const char *const in[] = {"type"};
  static const char *const arrays[] = {
      "[{\"eventName\":\"A\",\"userIdentity\":{\"type\":\"Root\"}}, 7 ,"
      " {\"x\":[1,{\"eventName\":\"no\"}]},\"s\",{}]",
      "[{\"eventName\":\"A\"},{\"eventName\":\"B\",}]",
      "[{\"eventName\":\"A\"},{\"userIdentity\":{\"type\" 1}}]",
      "[{\"eventName\":\"A\"} {\"eventName\":\"B\"}]",
      "[{\"eventName\":\"A\"},{\"eventName\":\"B\"",
      "[]", "[ ]",
  };
  vigil_scan_member_t ma[8], mb[8];
  vigil_scan_members_t alla = {ma, 8, 0, 0}, allb = {mb, 8, 0, 0};
  vigil_jval_t fa[3], fb[3], na, nb, ea, eb;
  vigil_scan_nest_t nesta = {"userIdentity", 12, in, 1, &na, NULL, NULL};
  vigil_scan_nest_t nestb = {"userIdentity", 12, in, 1, &nb, NULL, NULL};
  vigil_scan_err_t e1, e2;
  vigil_scan_keys_t ks;
  vigil_scan_iter_t a, b;
  vigil_jval_t arr;
  size_t i, k;
  int ra, rb;
  char *buf;

  (void)state;
  vigil_scan_keys_init(&ks, keys, 3);
  for (i = 0; i < sizeof(arrays) / sizeof(arrays[0]); i++) {
    buf = exact(arrays[i], strlen(arrays[i]));
    arr = (vigil_jval_t){VIGIL_J_ARRAY, 0, buf, strlen(arrays[i])};
    vigil_scan_array_begin(&a, &arr);
    vigil_scan_array_begin(&b, &arr);
    for (;;) {
      ra = vigil_scan_array_next(&a, &ea, &e1);
      if (ra == 1 && ea.type == VIGIL_J_OBJECT)
        assert_int_equal(vigil_scan_object_keys(ea.p, ea.len, &ks, fa, &alla, &nesta, NULL), 0);
      rb = vigil_scan_array_next_record(&b, &ks, fb, &allb, &nestb, &eb, &e2);
      assert_int_equal(ra, rb);
      if (ra < 0) {
        assert_int_equal(e1.offset, e2.offset);
        assert_string_equal(e1.what, e2.what);
        assert_int_equal(fb[0].type, VIGIL_J_NONE);
      }
      if (ra != 1)
        break;
      assert_int_equal(ea.type, eb.type);
      assert_ptr_equal(ea.p, eb.p);
      assert_int_equal(ea.len, eb.len);
      if (ea.type != VIGIL_J_OBJECT) {
        assert_int_equal(fb[0].type, VIGIL_J_NONE);
        continue;
      }
      for (k = 0; k < 3; k++) {
        assert_int_equal(fa[k].type, fb[k].type);
        assert_ptr_equal(fa[k].p, fb[k].p);
      }
      assert_int_equal(na.type, nb.type);
      assert_ptr_equal(na.p, nb.p);
      assert_int_equal(alla.n, allb.n);
    }
    free(buf);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(nested_member_in_one_pass),
      cmocka_unit_test(nest_members_are_the_objects_own),
      cmocka_unit_test(prepared_keys_compare_whole_names),
      cmocka_unit_test(array_of_records_in_one_pass),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
