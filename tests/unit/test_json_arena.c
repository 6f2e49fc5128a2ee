/*
 * The event-tree arena (core/json_arena.c): trees parse the same as with
 * plain cJSON, a record larger than one chunk still parses, the arena is
 * reused from event to event, cJSON objects made outside a parse still
 * live on the heap (freeing them works), and a failed parse leaves the
 * arena usable. Run under valgrind or ASan it also shows nothing leaks
 * and nothing is freed twice.
 */
#include "test_unit_util.h"

#include <cjson/cJSON.h>

#include "json_arena.h"

static const char record[] =
    "{\"eventName\":\"ListUsers\",\"eventSource\":\"iam.amazonaws.com\","
    "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/a\"},"
    "\"resources\":[{\"ARN\":\"x\"},{\"ARN\":\"y\"}],\"readOnly\":true,\"n\":12.5}";

static int install(void **state) {
  (void)state;
  vigil_json_arena_install();
  return 0;
}

static void same_tree_as_cjson(void **state) {
  cJSON *plain;
  cJSON *ev;
  char *a;
  char *b;
  int i;

  (void)state;
  plain = cJSON_Parse(record); /* outside vigil_json_event_parse: heap */
  assert_non_null(plain);
  a = cJSON_PrintUnformatted(plain);
  for (i = 0; i < 1000; i++) { /* the one chunk is reused */
    ev = vigil_json_event_parse(record, sizeof(record) - 1);
    assert_non_null(ev);
    assert_true(cJSON_Compare(ev, plain, 1));
    if (i == 0) {
      b = cJSON_PrintUnformatted(ev); /* printing allocates on the heap */
      assert_string_equal(a, b);
      cJSON_free(b);
    }
    vigil_json_event_free(ev);
  }
  cJSON_free(a);
  cJSON_Delete(plain);
}

/* A record of ~600 KB needs several chunks; the next small one reuses the
 * kept chunk and still parses. */
static void record_bigger_than_a_chunk(void **state) {
  size_t n = 20000;
  size_t cap = n * 32 + 64;
  char *big = malloc(cap);
  size_t len = 0;
  size_t i;
  cJSON *ev;

  (void)state;
  assert_non_null(big);
  len += (size_t)snprintf(big + len, cap - len, "{\"eventName\":\"X\",\"list\":[");
  for (i = 0; i < n; i++)
    len += (size_t)snprintf(big + len, cap - len, "%s{\"k\":\"v%zu\"}", i ? "," : "", i);
  len += (size_t)snprintf(big + len, cap - len, "]}");
  ev = vigil_json_event_parse(big, len);
  assert_non_null(ev);
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(ev, "list")), (int)n);
  assert_string_equal(
      cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(ev, "list"), (int)n - 1), "k")
          ->valuestring,
      "v19999");
  vigil_json_event_free(ev);
  free(big);
  ev = vigil_json_event_parse(record, sizeof(record) - 1);
  assert_string_equal(cJSON_GetObjectItem(ev, "eventName")->valuestring, "ListUsers");
  vigil_json_event_free(ev);
}

/* cJSON frees the half-built tree of a bad text with the hooks; the arena
 * ignores those frees and serves the next event. */
static void failed_parse_then_good(void **state) {
  static const char bad[] = "{\"eventName\":\"X\",\"a\":[1,2,{\"b\":";
  cJSON *ev;

  (void)state;
  ev = vigil_json_event_parse(bad, sizeof(bad) - 1);
  assert_null(ev);
  vigil_json_event_free(ev);
  ev = vigil_json_event_parse(record, sizeof(record) - 1);
  assert_non_null(ev);
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(ev, "readOnly")));
  vigil_json_event_free(ev);
  vigil_json_arena_release();
  ev = vigil_json_event_parse(record, sizeof(record) - 1); /* a new chunk */
  assert_non_null(ev);
  vigil_json_event_free(ev);
  vigil_json_arena_release();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(same_tree_as_cjson),
      cmocka_unit_test(record_bigger_than_a_chunk),
      cmocka_unit_test(failed_parse_then_good),
  };

  return cmocka_run_group_tests(tests, install, NULL);
}
