/*
 * vigil_decode: every envelope shape (S3 Records, bare array, single record,
 * EventBridge), digests and other JSON counted, errors with record index
 * and line, salvage of a document that breaks mid-array, line numbers of
 * pretty-printed records, and the scanned fields' byte spans.
 *
 * Inputs are exact-size malloc'd copies, so ASan catches any read past len.
 * Last, every .json file of the shared CloudTrail data is decoded and checked
 * against cJSON (skipped when the data is absent).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ftw.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "decode.h"

#define DATA_DIR VIGIL_SOURCE_DIR "/../shared/data/cloudtrail"

#define MAX_SEEN 16

typedef struct seen_s {
  vigil_record_t rec[MAX_SEEN];
  size_t nrec;
  uint64_t err_line[MAX_SEEN];
  int64_t err_record[MAX_SEEN];
  char err_msg[MAX_SEEN][256];
  size_t nerr;
  vigil_decode_stats_t st;
  char *buf;
} seen_t;

static void on_record(void *arg, const vigil_record_t *rec) {
  seen_t *s = arg;

  if (s->nrec < MAX_SEEN) /* the first ones are kept, all are counted */
    s->rec[s->nrec] = *rec;
  s->nrec++;
}

static void on_error(void *arg, uint64_t line, int64_t record, const char *msg) {
  seen_t *s = arg;

  if (s->nerr < MAX_SEEN) {
    s->err_line[s->nerr] = line;
    s->err_record[s->nerr] = record;
    snprintf(s->err_msg[s->nerr], sizeof(s->err_msg[0]), "%s", msg);
  }
  s->nerr++;
}

/* Decodes text (copied to an exact-size buffer kept in s->buf). */
static void run(seen_t *s, const char *text, uint64_t first_line) {
  size_t n = strlen(text);
  vigil_decode_cb_t cb = {on_record, on_error, NULL};

  memset(s, 0, sizeof(*s));
  cb.arg = s;
  s->buf = malloc(n ? n : 1);
  assert_non_null(s->buf);
  memcpy(s->buf, text, n);
  vigil_decode(s->buf, n, first_line, &cb, &s->st);
}

static void done(seen_t *s) {
  free(s->buf);
}

/* The record's bytes are exactly `want`. */
static void rec_is(const vigil_record_t *r, const char *want) {
  assert_int_equal(r->len, strlen(want));
  assert_memory_equal(r->p, want, r->len);
}

/* Field k of r is a string whose (raw) text is want and whose bytes sit at
 * the first occurrence of "\"want\"" after `after` in buf. */
static void field_at(const seen_t *s, const vigil_record_t *r, int k, const char *after,
                     const char *want) {
  char quoted[128];
  const char *from = strstr(s->buf, after);
  const char *at;

  assert_non_null(from);
  snprintf(quoted, sizeof(quoted), "\"%s\"", want);
  at = strstr(from, quoted);
  assert_non_null(at);
  assert_int_equal(r->f[k].type, VIGIL_J_STRING);
  assert_ptr_equal(r->f[k].p, at + 1);
  assert_int_equal(r->f[k].len, strlen(want));
}

#define R1 "{\"eventTime\":\"2023-01-01T00:00:00Z\",\"eventName\":\"A\",\"eventSource\":\"s1\"}"
#define R2 "{\"eventTime\":\"2023-01-01T00:00:01Z\",\"eventName\":\"B\",\"eventSource\":\"s2\"}"
#define R3 "{\"eventTime\":\"2023-01-01T00:00:02Z\",\"eventName\":\"C\"}"

static void s3_records_compact(void **state) {
  seen_t s;

  run(&s, "{\"Records\":[" R1 "," R2 "," R3 "]}", 1);
  assert_int_equal(s.nrec, 3);
  assert_int_equal(s.nerr, 0);
  assert_int_equal(s.st.records, 3);
  rec_is(&s.rec[0], R1);
  rec_is(&s.rec[1], R2);
  rec_is(&s.rec[2], R3);
  assert_int_equal(s.rec[0].index, 0);
  assert_int_equal(s.rec[1].index, 1);
  assert_int_equal(s.rec[2].index, 2);
  assert_int_equal(s.rec[2].line, 1);
  assert_true(vigil_jval_streq(&s.rec[1].f[VIGIL_K_EVENT_NAME], "B"));
  assert_int_equal(s.rec[2].f[VIGIL_K_EVENT_SOURCE].type, VIGIL_J_NONE);
  done(&s);
}

/* Pretty-printed: each record's line is the line of its '{', counted from
 * first_line. */
static void s3_pretty_lines(void **state) {
  static const char text[] = "{\n"                                        /* 10 */
                             "  \"Records\": [\n"                         /* 11 */
                             "    {\n"                                    /* 12 */
                             "      \"eventTime\": \"2023-01-01T00:00:00Z\",\n"
                             "      \"eventName\": \"A\"\n"
                             "    },\n"                                   /* 15 */
                             "\n"                                         /* 16 */
                             "    {\"eventTime\": \"2023-01-01T00:00:00Z\",\n" /* 17 */
                             "     \"eventName\": \"B\"}, {\"eventTime\": \"x\",\n" /* 18 */
                             "     \"eventName\": \"C\"}\n"
                             "  ]\n"
                             "}\n";
  seen_t s;

  run(&s, text, 10);
  assert_int_equal(s.nrec, 3);
  assert_int_equal(s.nerr, 0);
  assert_int_equal(s.rec[0].line, 12);
  assert_int_equal(s.rec[1].line, 17);
  assert_int_equal(s.rec[2].line, 18);
  assert_int_equal(s.rec[2].index, 2);
  done(&s);
}

static void bare_array_and_single_record(void **state) {
  seen_t s;

  run(&s, "[" R1 ",\n" R2 "]", 5);
  assert_int_equal(s.nrec, 2);
  rec_is(&s.rec[1], R2);
  assert_int_equal(s.rec[1].index, 1);
  assert_int_equal(s.rec[0].line, 5);
  assert_int_equal(s.rec[1].line, 6);
  done(&s);

  run(&s, "  \n" R2 "\n", 7);
  assert_int_equal(s.nrec, 1);
  assert_int_equal(s.nerr, 0);
  /* A lone record's span runs to the end of the text (trailing newline). */
  assert_ptr_equal(s.rec[0].p, s.buf + 3);
  assert_int_equal(s.rec[0].len, strlen(R2) + 1);
  assert_memory_equal(s.rec[0].p, R2, strlen(R2));
  assert_int_equal(s.rec[0].index, 0);
  assert_int_equal(s.rec[0].line, 8);
  done(&s);
}

static void eventbridge_detail_is_the_record(void **state) {
  seen_t s;

  run(&s, "{\"version\":\"0\",\"detail-type\":\"AWS API Call via CloudTrail\","
          "\"source\":\"aws.iam\",\"detail\":" R1 "}", 1);
  assert_int_equal(s.nrec, 1);
  assert_int_equal(s.nerr, 0);
  rec_is(&s.rec[0], R1);
  field_at(&s, &s.rec[0], VIGIL_K_EVENT_SOURCE, "\"detail\"", "s1");
  done(&s);

  /* A detail that is not a record is other JSON, not an event. */
  run(&s, "{\"detail-type\":\"EC2 State\",\"detail\":{\"state\":\"running\"}}", 1);
  assert_int_equal(s.nrec, 0);
  assert_int_equal(s.st.other, 1);
  done(&s);
}

static void digest_and_other_counted(void **state) {
  seen_t s;

  run(&s, "{\"awsAccountId\":\"1\",\"digestStartTime\":\"2023-01-01T00:00:00Z\","
          "\"digestEndTime\":\"2023-01-01T01:00:00Z\",\"logFiles\":[]}", 1);
  assert_int_equal(s.nrec, 0);
  assert_int_equal(s.nerr, 0);
  assert_int_equal(s.st.digests, 1);
  assert_int_equal(s.st.other, 0);
  done(&s);

  run(&s, "{\"hello\":\"world\",\"n\":[1,2,3]}", 1);
  assert_int_equal(s.nrec, 0);
  assert_int_equal(s.nerr, 0);
  assert_int_equal(s.st.other, 1);
  assert_int_equal(s.st.digests, 0);
  done(&s);

  /* eventName without a time is not a record either. */
  run(&s, "[{\"eventName\":\"A\"}," R1 "]", 1);
  assert_int_equal(s.nrec, 1);
  assert_int_equal(s.rec[0].index, 1);
  assert_int_equal(s.st.other, 1);
  done(&s);
}

static void non_object_in_records(void **state) {
  seen_t s;

  run(&s, "{\"Records\":[" R1 ",\n42,\n[1]," R2 "]}", 3);
  assert_int_equal(s.nrec, 2);
  rec_is(&s.rec[0], R1);
  rec_is(&s.rec[1], R2);
  assert_int_equal(s.rec[1].index, 3);
  assert_int_equal(s.nerr, 2);
  assert_int_equal(s.st.errors, 2);
  assert_int_equal(s.err_record[0], 1);
  assert_int_equal(s.err_line[0], 4);
  assert_non_null(strstr(s.err_msg[0], "not an object"));
  assert_int_equal(s.err_record[1], 2);
  assert_int_equal(s.err_line[1], 5);
  assert_non_null(strstr(s.err_msg[1], "array"));
  done(&s);
}

static void malformed_mid_array_salvaged(void **state) {
  seen_t s;

  run(&s, "{\"Records\":[\n" R1 ",\n" R2 ",\n{\"eventName\":\"X\",\"eventTime\":tru}]}", 1);
  assert_int_equal(s.nrec, 2);
  rec_is(&s.rec[0], R1);
  rec_is(&s.rec[1], R2);
  assert_int_equal(s.rec[1].line, 3);
  assert_int_equal(s.nerr, 1);
  assert_int_equal(s.st.errors, 1);
  assert_int_equal(s.err_line[0], 4);
  assert_int_equal(s.err_record[0], 2);
  assert_non_null(strstr(s.err_msg[0], "malformed JSON"));
  assert_non_null(strstr(s.err_msg[0], "the 2 records before it were read"));
  done(&s);

  /* Truncated file (a partial download): the same. */
  run(&s, "{\"Records\":[" R1 "," R2 ",{\"eventName\":\"X\",\"even", 1);
  assert_int_equal(s.nrec, 2);
  assert_int_equal(s.nerr, 1);
  assert_non_null(strstr(s.err_msg[0], "the 2 records before it were read"));
  done(&s);

  /* A bare array that breaks keeps the records before the break too. */
  run(&s, "[" R1 ",{\"a\":}," R2 "]", 1);
  assert_int_equal(s.nrec, 1);
  assert_int_equal(s.nerr, 1);
  assert_int_equal(s.err_record[0], 1);
  assert_non_null(strstr(s.err_msg[0], "malformed JSON"));
  done(&s);
}

static void not_json_one_error(void **state) {
  seen_t s;

  run(&s, "\n\nthis is not json\n{}", 4);
  assert_int_equal(s.nrec, 0);
  assert_int_equal(s.nerr, 1);
  assert_int_equal(s.st.errors, 1);
  assert_int_equal(s.err_line[0], 6);
  assert_int_equal(s.err_record[0], -1);
  assert_non_null(strstr(s.err_msg[0], "not JSON"));
  done(&s);

  run(&s, "{\"eventName\": nope}", 1);
  assert_int_equal(s.nrec, 0);
  assert_int_equal(s.nerr, 1);
  assert_int_equal(s.err_record[0], -1);
  assert_non_null(strstr(s.err_msg[0], "malformed JSON"));
  done(&s);

  /* Whitespace only: nothing, not even an error. */
  run(&s, " \n\t ", 1);
  assert_int_equal(s.nrec + s.nerr + s.st.other, 0);
  done(&s);
}

static void scanned_fields_point_at_bytes(void **state) {
  static const char text[] =
      "{\"Records\":[{\"eventVersion\":\"1.08\","
      "\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"alice\"},"
      "\"eventTime\":\"2023-01-01T00:00:00Z\",\"eventSource\":\"iam.amazonaws.com\","
      "\"requestParameters\":{\"eventName\":\"Decoy\",\"errorCode\":\"Decoy\"},"
      "\"eventName\":\"CreateUser\",\"errorCode\":\"AccessDenied\"}]}";
  const vigil_jval_t *uid;
  const char *obj;
  seen_t s;

  run(&s, text, 1);
  assert_int_equal(s.nrec, 1);
  field_at(&s, &s.rec[0], VIGIL_K_EVENT_SOURCE, "", "iam.amazonaws.com");
  /* The top-level eventName, after requestParameters' decoy. */
  field_at(&s, &s.rec[0], VIGIL_K_EVENT_NAME, "\"Decoy\"},", "CreateUser");
  field_at(&s, &s.rec[0], VIGIL_K_ERROR_CODE, "\"Decoy\"},", "AccessDenied");
  field_at(&s, &s.rec[0], VIGIL_K_EVENT_TIME, "", "2023-01-01T00:00:00Z");
  uid = &s.rec[0].f[VIGIL_K_USER_IDENTITY];
  obj = "{\"type\":\"IAMUser\",\"userName\":\"alice\"}";
  assert_int_equal(uid->type, VIGIL_J_OBJECT);
  assert_ptr_equal(uid->p, strstr(s.buf, obj));
  assert_int_equal(uid->len, strlen(obj));
  done(&s);
}

static void logstash_timestamp_accepted(void **state) {
  static const char rec[] =
      "{\"@timestamp\":\"2023-05-01T10:00:00.000Z\",\"eventName\":\"GetObject\","
      "\"eventSource\":\"s3.amazonaws.com\"}";
  seen_t s;

  run(&s, rec, 1);
  assert_int_equal(s.nrec, 1);
  assert_int_equal(s.rec[0].f[VIGIL_K_EVENT_TIME].type, VIGIL_J_NONE);
  field_at(&s, &s.rec[0], VIGIL_K_TIMESTAMP, "", "2023-05-01T10:00:00.000Z");
  done(&s);

  /* A non-string time does not make a record. */
  run(&s, "{\"eventTime\":5,\"eventName\":\"A\"}", 1);
  assert_int_equal(s.nrec, 0);
  assert_int_equal(s.st.other, 1);
  done(&s);
}

/* What cJSON says a document holds: records (objects with string eventName
 * and eventTime) in Records, a bare array, or the document itself. */
static size_t cjson_records(const cJSON *root, const cJSON **arr) {
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "Records");
  const cJSON *it;
  size_t n = 0;

  *arr = cJSON_IsArray(list) ? list : cJSON_IsArray(root) ? root : NULL;
  if (!*arr)
    return cJSON_IsString(cJSON_GetObjectItem(root, "eventName")) &&
           cJSON_IsString(cJSON_GetObjectItem(root, "eventTime"));
  cJSON_ArrayForEach(it, *arr) {
    n += cJSON_IsString(cJSON_GetObjectItem(it, "eventName")) &&
         cJSON_IsString(cJSON_GetObjectItem(it, "eventTime"));
  }
  return n;
}

static size_t real_files, real_records;

static int check_file(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  FILE *f;
  char *text;
  cJSON *root;
  cJSON *rec;
  const cJSON *arr;
  size_t want;
  size_t i;
  seen_t s;

  (void)ftw;
  if (flag != FTW_F || strlen(path) < 5 || strcmp(path + strlen(path) - 5, ".json") != 0 ||
      strstr(path, "stats.json"))
    return 0;
  text = malloc((size_t)st->st_size + 1);
  f = fopen(path, "rb");
  assert_non_null(text);
  assert_non_null(f);
  assert_int_equal(fread(text, 1, (size_t)st->st_size, f), (size_t)st->st_size);
  fclose(f);
  text[st->st_size] = '\0';
  root = cJSON_Parse(text);
  run(&s, text, 1);
  free(text);
  if (!root) { /* the data set's one malformed file: reported, not silent */
    assert_true(s.nerr >= 1);
    done(&s);
    return 0;
  }
  want = cjson_records(root, &arr);
  if (s.nrec != want || s.nerr != 0)
    print_error("%s: decoded %zu records, %zu errors; cJSON finds %zu\n", path, s.nrec, s.nerr,
                want);
  assert_int_equal(s.nrec, want);
  assert_int_equal(s.nerr, 0);
  for (i = 0; i < s.nrec && i < MAX_SEEN; i++) {
    rec = cJSON_ParseWithLength(s.rec[i].p, s.rec[i].len);
    assert_non_null(rec);
    assert_true(!arr || cJSON_Compare(rec, cJSON_GetArrayItem(arr, (int)s.rec[i].index), 1));
    cJSON_Delete(rec);
  }
  real_files++;
  real_records += s.nrec;
  cJSON_Delete(root);
  done(&s);
  return 0;
}

static void real_cloudtrail_files(void **state) {
  struct stat st;

  if (stat(DATA_DIR, &st) != 0) {
    print_message("no data at %s\n", DATA_DIR);
    skip();
  }
  assert_int_equal(nftw(DATA_DIR, check_file, 16, FTW_PHYS), 0);
  print_message("[ INFO     ] %zu records in %zu files decoded\n", real_records, real_files);
  assert_true(real_records > 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(s3_records_compact),
      cmocka_unit_test(s3_pretty_lines),
      cmocka_unit_test(bare_array_and_single_record),
      cmocka_unit_test(eventbridge_detail_is_the_record),
      cmocka_unit_test(digest_and_other_counted),
      cmocka_unit_test(non_object_in_records),
      cmocka_unit_test(malformed_mid_array_salvaged),
      cmocka_unit_test(not_json_one_error),
      cmocka_unit_test(scanned_fields_point_at_bytes),
      cmocka_unit_test(logstash_timestamp_accepted),
      cmocka_unit_test(real_cloudtrail_files),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
