/*
 * The byte view (lua_event.c over core/jdoc.c) answers every access as the
 * tree view does for the same JSON: a Lua probe walks an event with
 * pairs(), #, tostring(), and a fixed list of lookups (names, dotted paths,
 * 1-based positions, odd keys), and writes down everything it saw; the
 * transcript from a view of the record's bytes must equal the one from a
 * view of its cJSON tree, character for character. Run on hand-written
 * edge cases (escapes, \u0000, repeated names, numbers of every shape,
 * empty containers, non-object records) and on the real records of
 * ../shared/data/cloudtrail (skipped with a message when absent), with and
 * without the top-level members the stage-1 scan hands over.
 */
#include "test_unit_util.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <lauxlib.h>

#include "jdoc.h"
#include "lua_event.h"
#include "lua_state.h"
#include "scan.h"

#define DATA_DIR VIGIL_SOURCE_DIR "/../shared/data/cloudtrail"
#define MAX_REAL 3000

/* The probe: a transcript of everything a rule could read from e. */
static const char probe_src[] =
    "local keys = { 'eventName', 'userIdentity', 'userIdentity.type', 'a', 'a.b', 'a.b.c',\n"
    "  'userIdentity.sessionContext.sessionIssuer.arn', 'resources.1.ARN', 'resources.2',\n"
    "  'requestParameters', 'requestParameters.x', 'list.1', 'list.3', 'list.0', 'list.01',\n"
    "  'list.9999999999', '', '.', 'a..b', 'x.', '.x', 'dup', 'nul', 'n', 'num',\n"
    "  1, 2, 0, -1, 2.5, 2.0, 3, true }\n"
    "local function show(v)\n"
    "  local t = type(v)\n"
    "  if t == 'number' then return math.type(v) .. ':' .. string.format('%.17g', v) end\n"
    "  if t == 'string' then return string.format('%q', v) end\n"
    "  if t == 'userdata' then return 'view#' .. #v .. ':' .. tostring(v) end\n"
    "  return tostring(v)\n"
    "end\n"
    "local function walk(v, path, out, depth)\n"
    "  out[#out + 1] = path .. ' = ' .. show(v)\n"
    "  if type(v) ~= 'userdata' or depth > 6 then return end\n"
    "  local n = 0\n"
    "  for k, x in pairs(v) do\n"
    "    n = n + 1\n"
    "    walk(x, path .. '[' .. show(k) .. ']', out, depth + 1)\n"
    "    if n > 200 then break end\n"
    "  end\n"
    "  for _, k in ipairs(keys) do\n"
    "    out[#out + 1] = path .. ' ? ' .. show(k) .. ' -> ' .. show(v[k])\n"
    "  end\n"
    "end\n"
    "probe = function(e)\n"
    "  local out = {}\n"
    "  walk(e, 'e', out, 0)\n"
    "  return table.concat(out, '\\n')\n"
    "end\n";

typedef struct fix_s {
  lua_State *L;
} fix_t;

static int setup(void **state) {
  static fix_t f;
  char err[256];

  f.L = vigil_lstate_new(NULL, 0, err, sizeof(err));
  assert_non_null(f.L);
  assert_int_equal(luaL_loadbuffer(f.L, probe_src, strlen(probe_src), "=probe"), LUA_OK);
  assert_int_equal(vigil_lstate_pcall(f.L, 0, 0), LUA_OK);
  *state = &f;
  return 0;
}

static int teardown(void **state) {
  fix_t *f = *state;

  vigil_lstate_close(f->L);
  return 0;
}

/* Runs probe on the value pushed by the caller; returns its transcript
 * (malloc'd) or fails the test with the Lua error. */
static char *run_probe(lua_State *L) {
  const char *s;
  char *out;

  lua_getglobal(L, "probe");
  lua_insert(L, -2);
  if (vigil_lstate_pcall(L, 1, 1) != LUA_OK)
    fail_msg("probe failed: %s", lua_tostring(L, -1));
  s = lua_tostring(L, -1);
  assert_non_null(s);
  out = strdup(s);
  lua_pop(L, 1);
  assert_non_null(out);
  return out;
}

/* The first differing line of a and b, for the failure message. */
static void show_diff(const char *what, const char *a, const char *b) {
  size_t line = 1;
  const char *la = a;
  const char *lb = b;

  while (*a && *a == *b) {
    if (*a == '\n') {
      line++;
      la = a + 1;
      lb = b + 1;
    }
    a++;
    b++;
  }
  print_error("%s: line %zu differs\n  tree:  %.200s\n  bytes: %.200s\n", what, line, la, lb);
}

/* Both views of one JSON text, once from the bytes alone and once with
 * the top-level members as the decoder reads them. */
static void same_views(fix_t *f, const char *what, const char *text, size_t len) {
  vigil_scan_member_t mem[64];
  vigil_scan_members_t all = {mem, 64, 0, 0};
  vigil_jval_t whole;
  cJSON *tree;
  char *by_tree;
  char *by_bytes;
  int primed;

  if (vigil_scan_value(text, len, &whole, NULL) != 0)
    fail_msg("%s: the scanner refuses it", what);
  tree = cJSON_ParseWithLength(text, len);
  if (!tree)
    fail_msg("%s: cJSON refuses it", what);
  for (primed = 0; primed < 2; primed++) {
    vigil_event_next(f->L);
    vigil_event_push(f->L, tree);
    by_tree = run_probe(f->L);
    vigil_event_doc_begin(f->L, text, len);
    if (primed && whole.type == VIGIL_J_OBJECT) {
      assert_int_equal(vigil_scan_object_all(text, len, NULL, 0, NULL, &all, NULL), 0);
      if (all.complete)
        vigil_event_doc_members(f->L, NULL, mem, all.n);
    }
    vigil_event_push_doc(f->L);
    by_bytes = run_probe(f->L);
    if (strcmp(by_tree, by_bytes) != 0) {
      show_diff(what, by_tree, by_bytes);
      fail_msg("%s: the byte view%s differs from the tree view", what,
               primed ? " (members handed over)" : "");
    }
    free(by_tree);
    free(by_bytes);
  }
  cJSON_Delete(tree);
}

static const char *const cases[] = {
    "{\"eventName\":\"ListUsers\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"x\"}}",
    /* escapes in values and names; a name that only matches once decoded */
    "{\"a\":\"x\\u0041\\n\\t\\\"\\\\\\/\",\"\\u0061\":\"second a\",\"b\\u00e9\":1}",
    "{\"e\":\"\\ud83d\\ude00 and \\u00e9\",\"k\":\"\\u20ac\"}",
    /* a NUL in a value or a name: cJSON's strings end there */
    "{\"nul\":\"ab\\u0000cd\",\"x\\u0000y\":\"name cut\",\"x\":\"plain x\"}",
    /* repeated names: lookups take the last, pairs shows both */
    "{\"dup\":1,\"dup\":{\"a\":2},\"dup\":\"three\"}",
    "{\"a\":{\"b\":1},\"a\":{\"b\":{\"c\":\"deep\"}}}",
    /* numbers */
    "{\"num\":[0,-0,12,-7,1.5,1e3,1E-2,2.5e+2,9007199254740992,9007199254740993,"
    "1e300,-1e300,123456789012345678901234567890,0.1,3.0]}",
    /* empty and nested containers, nulls, booleans */
    "{\"o\":{},\"l\":[],\"n\":null,\"t\":true,\"f\":false,\"list\":[null,[],{},[[1]],true]}",
    /* arrays by position, through dotted paths, names that look like positions */
    "{\"resources\":[{\"ARN\":\"arn:1\"},{\"ARN\":\"arn:2\"}],\"list\":[\"a\",\"b\",\"c\"],"
    "\"1\":\"one\",\"2\":{\"0\":\"zero\"},\"a.b\":\"a dotted name\",\"\":\"empty name\"}",
    /* whitespace everywhere */
    " { \"a\" : { \"b\" : [ 1 , 2 ] } , \"c\" : \"d\" } ",
    /* records that are not objects */
    "[1,\"two\",{\"three\":3}]",
    "[]",
};

static void hand_written_cases(void **state) {
  fix_t *f = *state;
  char what[48];
  char many[8192];
  size_t n = 0;
  size_t i;

  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    snprintf(what, sizeof(what), "case %zu", i);
    same_views(f, what, cases[i], strlen(cases[i]));
  }
  /* 150 objects in one record: the doc's table of listed containers grows
   * (and is rehashed) while the probe walks them */
  n += (size_t)snprintf(many + n, sizeof(many) - n, "{\"list\":[");
  for (i = 0; i < 150; i++)
    n += (size_t)snprintf(many + n, sizeof(many) - n, "%s{\"a\":%zu,\"b\":{\"c\":\"x%zu\"}}",
                          i ? "," : "", i, i);
  n += (size_t)snprintf(many + n, sizeof(many) - n, "]}");
  assert_true(n < sizeof(many));
  same_views(f, "150 objects", many, n);
}

/* A stale byte view refuses to be read, as a stale tree view does. */
static void stale_byte_view(void **state) {
  fix_t *f = *state;
  static const char text[] = "{\"a\":{\"b\":1}}";
  static const char code[] = "keep = ...\n";
  static const char use[] = "return keep.a\n";

  vigil_event_doc_begin(f->L, text, strlen(text));
  assert_int_equal(luaL_loadbuffer(f->L, code, strlen(code), "=keep"), LUA_OK);
  vigil_event_push_doc(f->L);
  assert_int_equal(vigil_lstate_pcall(f->L, 1, 0), LUA_OK);
  vigil_event_next(f->L);
  assert_int_equal(luaL_loadbuffer(f->L, use, strlen(use), "=use"), LUA_OK);
  assert_int_not_equal(vigil_lstate_pcall(f->L, 0, 1), LUA_OK);
  assert_non_null(strstr(lua_tostring(f->L, -1), "after its event was released"));
  lua_pop(f->L, 1);
}

/* The rules of one record share its root view (one per generation); the
 * next generation, or the next record, gets a new one and the shared one
 * is stale like any other. */
static void root_view_shared_per_generation(void **state) {
  fix_t *f = *state;
  static const char one[] = "{\"a\":1}";
  static const char two[] = "{\"a\":2}";

  vigil_event_doc_begin(f->L, one, strlen(one));
  vigil_event_push_doc(f->L);
  vigil_event_push_doc(f->L);
  assert_true(lua_rawequal(f->L, -1, -2));
  lua_pop(f->L, 1);
  vigil_event_next(f->L); /* the same record, its views released */
  vigil_event_push_doc(f->L);
  assert_false(lua_rawequal(f->L, -1, -2));
  lua_pop(f->L, 1);
  vigil_event_doc_begin(f->L, two, strlen(two));
  vigil_event_push_doc(f->L);
  assert_false(lua_rawequal(f->L, -1, -2));
  lua_getfield(f->L, -1, "a"); /* the new record's value, through the new view */
  assert_int_equal(lua_tointeger(f->L, -1), 2);
  lua_pop(f->L, 2);
  /* the first record's view, read now, is refused */
  assert_int_equal(luaL_loadstring(f->L, "local e = ... return e.a"), LUA_OK);
  lua_insert(f->L, -2);
  assert_int_not_equal(vigil_lstate_pcall(f->L, 1, 1), LUA_OK);
  assert_non_null(strstr(lua_tostring(f->L, -1), "after its event was released"));
  lua_pop(f->L, 1);
}

/* ---- real records ---- */

static struct {
  char **texts;
  size_t n;
} real;

static void add_real(const char *p, size_t len) {
  char *copy;

  if (real.n >= MAX_REAL)
    return;
  copy = malloc(len + 1);
  assert_non_null(copy);
  memcpy(copy, p, len);
  copy[len] = '\0';
  real.texts = realloc(real.texts, (real.n + 1) * sizeof(*real.texts));
  assert_non_null(real.texts);
  real.texts[real.n++] = copy;
}

static int visit(const char *path, const struct stat *st, int kind, struct FTW *ftw) {
  static const char *const rkeys[] = {"Records"};
  vigil_scan_iter_t it;
  vigil_jval_t whole, recs, e;
  size_t len;
  char *text;

  (void)st;
  (void)ftw;
  len = strlen(path);
  if (kind != FTW_F || len < 5 || strcmp(path + len - 5, ".json") != 0)
    return 0;
  if (!(text = td_slurp(path, &len)))
    return 0;
  if (vigil_scan_value(text, len, &whole, NULL) == 0 && whole.type == VIGIL_J_OBJECT &&
      vigil_scan_object(text, len, rkeys, 1, &recs, NULL) == 0 && recs.type == VIGIL_J_ARRAY) {
    vigil_scan_array_begin(&it, &recs);
    while (vigil_scan_array_next(&it, &e, NULL) == 1)
      add_real(e.p, e.len);
  }
  free(text);
  return 0;
}

static void real_records(void **state) {
  fix_t *f = *state;
  struct stat st;
  char what[48];
  size_t i;

  if (stat(DATA_DIR, &st) != 0 || !S_ISDIR(st.st_mode)) {
    printf("[ SKIP     ] no CloudTrail data at %s\n", DATA_DIR);
    return;
  }
  assert_int_equal(nftw(DATA_DIR, visit, 16, FTW_PHYS), 0);
  printf("[ INFO     ] %zu real records, both views\n", real.n);
  assert_true(real.n > 100);
  for (i = 0; i < real.n; i++) {
    snprintf(what, sizeof(what), "real record %zu", i);
    same_views(f, what, real.texts[i], strlen(real.texts[i]));
    free(real.texts[i]);
  }
  free(real.texts);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(hand_written_cases),
      cmocka_unit_test(stale_byte_view),
      cmocka_unit_test(root_view_shared_per_generation),
      cmocka_unit_test(real_records),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
