/*
 * The on-disk spool of a sink (core/spool.c): records come back in the
 * order they went in, across a close and a reopen; a record whose CRC
 * fails is skipped with an error naming its segment and offset; a torn
 * tail is cut off; a full spool refuses without writing; consuming moves
 * the cursor (kept across a reopen) and deletes segments behind it; a lost
 * or unreadable cursor replays everything still on disk.
 */
#include <dirent.h>
#include <fcntl.h>

#include "test_unit_util.h"

#include "log.h"
#include "spool.h"

#define MIB (1024u * 1024u)

/* An alert numbered n, its JSON padded to `pad` bytes. */
static void mk_alert(vigil_alert_t *a, char *json, size_t cap, int n, size_t pad) {
  int len = snprintf(json, cap, "{\"event_id\":\"e%d\",\"pad\":\"", n);

  assert_true(len > 0 && (size_t)len + pad + 3 < cap);
  memset(json + len, 'x', pad);
  len += (int)pad;
  strcpy(json + len, "\"}");
  memset(a, 0, sizeof(*a));
  a->size = sizeof(*a);
  a->json = json;
  a->json_len = strlen(json);
  a->rule_id = "t.spool";
  a->title = "spooled";
  a->message = n % 2 ? "odd" : "even";
  a->severity = (vigil_severity_t)(n % 5);
  a->event_time_ms = 1700000000000 + n;
}

static void append_n(vigil_spool_t *sp, int first, int count, size_t pad) {
  static char json[64 * 1024];
  char err[256];
  vigil_alert_t a;

  for (int n = first; n < first + count; n++) {
    mk_alert(&a, json, sizeof(json), n, pad);
    assert_int_equal(vigil_spool_append(sp, &a, err, sizeof(err)), VIGIL_OK);
  }
}

/* Reads every record from pos, checking they are first, first+1, ...
 * Returns how many; *end is where reading stopped. */
static int read_all(vigil_spool_t *sp, vigil_spool_pos_t pos, int first, int skip,
                    vigil_spool_pos_t *end) {
  vigil_spool_rec_t rec;
  char want[32];
  int n = first, got = 0, rc;

  while ((rc = vigil_spool_read(sp, &pos, &rec)) == 1) {
    if (n == skip)
      n++;
    snprintf(want, sizeof(want), "{\"event_id\":\"e%d\"", n);
    assert_memory_equal(rec.pub.json, want, strlen(want));
    assert_int_equal(rec.pub.json_len, strlen(rec.pub.json));
    assert_string_equal(rec.pub.rule_id, "t.spool");
    assert_string_equal(rec.pub.title, "spooled");
    assert_string_equal(rec.pub.message, n % 2 ? "odd" : "even");
    assert_int_equal(rec.pub.severity, n % 5);
    assert_int_equal(rec.pub.event_time_ms, 1700000000000 + n);
    assert_true(rec.end.seg == pos.seg && rec.end.off == pos.off);
    vigil_spool_rec_free(&rec);
    n++;
    got++;
  }
  assert_int_equal(rc, 0);
  if (end)
    *end = pos;
  return got;
}

static vigil_spool_t *open_spool(const char *dir, uint64_t max) {
  vigil_spool_t *sp = NULL;
  char err[512];

  assert_int_equal(vigil_spool_open(dir, max, "test", &sp, err, sizeof(err)), VIGIL_OK);
  assert_non_null(sp);
  return sp;
}

static int count_segments(const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *de;
  int n = 0;

  assert_non_null(d);
  while ((de = readdir(d)))
    n += strstr(de->d_name, ".seg") != NULL;
  closedir(d);
  return n;
}

static off_t file_size(const char *path) {
  struct stat st;

  assert_int_equal(stat(path, &st), 0);
  return st.st_size;
}

/* The first segment's path. */
static void seg1(const tmpdir_t *td, char *out, size_t cap) {
  td_path(td, "sp/0000000000000001.seg", out, cap);
}

/* Runs fn with stderr going to a file; returns what was written (static). */
static const char *capture_stderr(const tmpdir_t *td, void (*fn)(void *), void *arg) {
  static char text[8192];
  char path[PATH_MAX];
  int saved = dup(2), fd;
  ssize_t n;

  td_path(td, "stderr.txt", path, sizeof(path));
  fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
  assert_true(saved >= 0 && fd >= 0);
  fflush(stderr);
  dup2(fd, 2);
  fn(arg);
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  n = pread(fd, text, sizeof(text) - 1, 0);
  close(fd);
  text[n > 0 ? n : 0] = '\0';
  return text;
}

/* ---- tests ------------------------------------------------------------ */

static void test_order_and_restart(void **state) {
  tmpdir_t td;
  char dir[PATH_MAX];
  vigil_spool_t *sp;
  vigil_spool_pos_t end;

  (void)state;
  td_make(&td);
  td_path(&td, "sp", dir, sizeof(dir));
  sp = open_spool(dir, 4 * MIB);
  assert_int_equal(vigil_spool_count(sp), 0);
  append_n(sp, 1, 100, 200);
  assert_int_equal(vigil_spool_count(sp), 100);
  assert_int_equal(read_all(sp, vigil_spool_cursor(sp), 1, 0, &end), 100);
  /* Reading is not consuming: the same records again. */
  assert_int_equal(read_all(sp, vigil_spool_cursor(sp), 1, 0, NULL), 100);
  vigil_spool_close(sp);

  /* A new process finds them all, in order, and appends after them. */
  sp = open_spool(dir, 4 * MIB);
  assert_int_equal(vigil_spool_count(sp), 100);
  append_n(sp, 101, 5, 200);
  assert_int_equal(read_all(sp, vigil_spool_cursor(sp), 1, 0, NULL), 105);
  vigil_spool_close(sp);
  td_remove(&td);
}

static void test_consume_and_segments(void **state) {
  tmpdir_t td;
  char dir[PATH_MAX];
  vigil_spool_t *sp;
  vigil_spool_pos_t pos, mid = {0, 0};
  vigil_spool_rec_t rec;
  int segs, n;

  (void)state;
  td_make(&td);
  td_path(&td, "sp", dir, sizeof(dir));
  /* 1 MiB: 256 KiB segments; 4 KiB records make several of them. */
  sp = open_spool(dir, MIB);
  append_n(sp, 1, 200, 4000);
  segs = count_segments(dir);
  assert_true(segs >= 3);

  /* Consume the first 150 (as a replay round would: up to a record's end). */
  pos = vigil_spool_cursor(sp);
  for (n = 0; n < 150; n++) {
    assert_int_equal(vigil_spool_read(sp, &pos, &rec), 1);
    mid = rec.end;
    vigil_spool_rec_free(&rec);
  }
  assert_int_equal(vigil_spool_consume(sp, mid, 150), VIGIL_OK);
  assert_int_equal(vigil_spool_count(sp), 50);
  assert_true(vigil_spool_cursor(sp).seg == mid.seg && vigil_spool_cursor(sp).off == mid.off);
  /* Segments wholly behind the cursor are gone, and their bytes with them. */
  assert_true(count_segments(dir) < segs);
  assert_true(vigil_spool_bytes(sp) < 200u * 4000u);
  assert_int_equal(read_all(sp, vigil_spool_cursor(sp), 151, 0, NULL), 50);
  vigil_spool_close(sp);

  /* The cursor survives a restart: replay resumes at e151. */
  sp = open_spool(dir, MIB);
  assert_int_equal(vigil_spool_count(sp), 50);
  assert_int_equal(read_all(sp, vigil_spool_cursor(sp), 151, 0, &pos), 50);
  assert_int_equal(vigil_spool_consume(sp, pos, 50), VIGIL_OK);
  assert_int_equal(vigil_spool_count(sp), 0);
  assert_int_equal(count_segments(dir), 1);
  vigil_spool_close(sp);
  sp = open_spool(dir, MIB);
  assert_int_equal(vigil_spool_count(sp), 0);
  assert_int_equal(read_all(sp, vigil_spool_cursor(sp), 1, 0, NULL), 0);
  vigil_spool_close(sp);
  td_remove(&td);
}

static void test_full_refuses(void **state) {
  tmpdir_t td;
  char dir[PATH_MAX], seg[PATH_MAX], err[256], want[32];
  static char json[80 * 1024];
  vigil_spool_t *sp;
  vigil_alert_t a;
  vigil_spool_pos_t pos, end;
  vigil_spool_rec_t rec;
  uint64_t bytes;
  off_t size;
  int n = 0, rc;

  (void)state;
  td_make(&td);
  td_path(&td, "sp", dir, sizeof(dir));
  seg1(&td, seg, sizeof(seg));
  sp = open_spool(dir, 64 * 1024);
  do {
    mk_alert(&a, json, sizeof(json), ++n, 1000);
    rc = vigil_spool_append(sp, &a, err, sizeof(err));
  } while (rc == VIGIL_OK && n < 1000);
  /* Bounded: refused long before 1000 records of 1 KiB. */
  assert_int_equal(rc, VIGIL_EAGAIN);
  assert_true(n > 50 && n < 70);
  bytes = vigil_spool_bytes(sp);
  size = file_size(seg);
  assert_true(bytes <= 64 * 1024);
  assert_int_equal(vigil_spool_count(sp), (uint64_t)(n - 1));
  /* A refusal writes nothing, however often it is tried. */
  assert_int_equal(vigil_spool_append(sp, &a, err, sizeof(err)), VIGIL_EAGAIN);
  assert_int_equal(vigil_spool_bytes(sp), bytes);
  assert_int_equal(file_size(seg), size);
  /* An alert larger than the whole spool can never fit: a different answer. */
  mk_alert(&a, json, sizeof(json), 9999, 64 * 1024);
  assert_int_equal(vigil_spool_append(sp, &a, err, sizeof(err)), VIGIL_EINVAL);
  assert_non_null(strstr(err, "larger than the whole spool"));
  /* Once replay has consumed everything, the full segment makes room for
   * the next one: the spool takes appends again and keeps one segment. */
  pos = vigil_spool_cursor(sp);
  assert_int_equal(read_all(sp, pos, 1, 0, &end), n - 1);
  vigil_spool_consume(sp, end, (uint64_t)(n - 1));
  mk_alert(&a, json, sizeof(json), n, 1000);
  assert_int_equal(vigil_spool_append(sp, &a, err, sizeof(err)), VIGIL_OK);
  assert_int_equal(count_segments(dir), 1);
  assert_int_equal(vigil_spool_count(sp), 1);
  pos = vigil_spool_cursor(sp);
  assert_int_equal(vigil_spool_read(sp, &pos, &rec), 1);
  snprintf(want, sizeof(want), "\"event_id\":\"e%d\"", n);
  assert_non_null(strstr(rec.pub.json, want));
  vigil_spool_rec_free(&rec);
  vigil_spool_close(sp);
  td_remove(&td);
}

struct reopen_arg {
  const char *dir;
  int got;
};

static void reopen_and_read(void *arg) {
  struct reopen_arg *r = arg;
  vigil_spool_t *sp = open_spool(r->dir, 4 * MIB);

  r->got = (int)vigil_spool_count(sp);
  vigil_spool_close(sp);
}

static void test_crc_corrupt_skipped(void **state) {
  tmpdir_t td;
  char dir[PATH_MAX], seg[PATH_MAX], want[PATH_MAX + 64];
  vigil_spool_t *sp;
  struct reopen_arg r;
  const char *log;
  unsigned char c;
  off_t rec2;
  int fd;

  (void)state;
  td_make(&td);
  td_path(&td, "sp", dir, sizeof(dir));
  seg1(&td, seg, sizeof(seg));
  sp = open_spool(dir, 4 * MIB);
  append_n(sp, 1, 1, 100);
  rec2 = file_size(seg);
  append_n(sp, 2, 3, 100);
  vigil_spool_close(sp);

  /* Flip a byte inside the payload of e2 (past its 12-byte header). */
  fd = open(seg, O_RDWR);
  assert_true(fd >= 0);
  assert_int_equal(pread(fd, &c, 1, rec2 + 40), 1);
  c ^= 0x5a;
  assert_int_equal(pwrite(fd, &c, 1, rec2 + 40), 1);
  close(fd);

  r.dir = dir;
  log = capture_stderr(&td, reopen_and_read, &r);
  assert_int_equal(r.got, 3);
  snprintf(want, sizeof(want), "spool %s: record at offset %lld fails its CRC", seg,
           (long long)rec2);
  if (!strstr(log, want))
    fail_msg("no line naming the segment and offset (%s) in: %s", want, log);
  /* Every other record is still there, in order; e2 alone is missing. */
  sp = open_spool(dir, 4 * MIB);
  assert_int_equal(read_all(sp, vigil_spool_cursor(sp), 1, 2, NULL), 3);
  vigil_spool_close(sp);
  td_remove(&td);
}

static void test_torn_tail_cut(void **state) {
  tmpdir_t td;
  char dir[PATH_MAX], seg[PATH_MAX];
  vigil_spool_t *sp;
  struct reopen_arg r;
  const char *log;
  off_t whole;
  int fd;

  (void)state;
  td_make(&td);
  td_path(&td, "sp", dir, sizeof(dir));
  seg1(&td, seg, sizeof(seg));
  sp = open_spool(dir, 4 * MIB);
  append_n(sp, 1, 4, 100);
  vigil_spool_close(sp);
  whole = file_size(seg);
  /* A crash in the middle of an append: half a header and some bytes. */
  fd = open(seg, O_WRONLY | O_APPEND);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "VSGR\x20\x00\x00\x00garbage", 15), 15);
  close(fd);

  r.dir = dir;
  log = capture_stderr(&td, reopen_and_read, &r);
  assert_int_equal(r.got, 4);
  assert_non_null(strstr(log, "no whole record at offset"));
  assert_int_equal(file_size(seg), whole);
  /* Appends go on after the last whole record. */
  sp = open_spool(dir, 4 * MIB);
  append_n(sp, 5, 2, 100);
  assert_int_equal(read_all(sp, vigil_spool_cursor(sp), 1, 0, NULL), 6);
  vigil_spool_close(sp);
  td_remove(&td);
}

/* Losing the cursor file replays what it covered: duplicates, never losses. */
static void test_lost_cursor_replays(void **state) {
  tmpdir_t td;
  char dir[PATH_MAX], cur[PATH_MAX];
  vigil_spool_t *sp;
  vigil_spool_pos_t pos;
  vigil_spool_rec_t rec;

  (void)state;
  td_make(&td);
  td_path(&td, "sp", dir, sizeof(dir));
  td_path(&td, "sp/cursor", cur, sizeof(cur));
  sp = open_spool(dir, 4 * MIB);
  append_n(sp, 1, 10, 100);
  pos = vigil_spool_cursor(sp);
  for (int i = 0; i < 4; i++) {
    assert_int_equal(vigil_spool_read(sp, &pos, &rec), 1);
    vigil_spool_rec_free(&rec);
  }
  vigil_spool_consume(sp, pos, 4);
  vigil_spool_close(sp);
  assert_int_equal(unlink(cur), 0);
  sp = open_spool(dir, 4 * MIB);
  assert_int_equal(vigil_spool_count(sp), 10);
  assert_int_equal(read_all(sp, vigil_spool_cursor(sp), 1, 0, NULL), 10);
  vigil_spool_close(sp);
  /* An unreadable cursor is the same, with a warning. */
  td_write(&td, "sp/cursor", "garbage\n");
  sp = open_spool(dir, 4 * MIB);
  assert_int_equal(vigil_spool_count(sp), 10);
  vigil_spool_close(sp);
  td_remove(&td);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_order_and_restart),   cmocka_unit_test(test_consume_and_segments),
      cmocka_unit_test(test_full_refuses),        cmocka_unit_test(test_crc_corrupt_skipped),
      cmocka_unit_test(test_torn_tail_cut),       cmocka_unit_test(test_lost_cursor_replays),
  };

  vigil_log_setup(VIGIL_LOG_INFO, VIGIL_LOGFMT_TEXT);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
