/*
 * Rule loading and evaluation: load errors that name file:line (duplicate
 * ids, severity, unknown keys, `on` types, runbook lists, syntax and
 * runtime errors), disabled rules, lib/ folders and require(), sorted load
 * order, `when` and context() results and errors, and the sandbox: missing
 * libraries, no C modules or bytecode, the instruction budget and the
 * memory cap, each leaving the state usable for the next call.
 */
#include "test_unit_util.h"

#include <lauxlib.h>
#include <lualib.h>

#include "lua_state.h"
#include "rules.h"

static char err[1024];

/* Loads the folder td; returns the status, the set in *rs on success. */
static int load(const tmpdir_t *td, vigil_ruleset_t **rs) {
  const char *paths[1] = {td->path};

  err[0] = '\0';
  return vigil_ruleset_load(paths, 1, NULL, 0, rs, err, sizeof(err));
}

/* Loading a folder holding only x.lua = src fails, and the message starts
 * with "<dir>/x.lua:<line>:" and contains want. */
static void load_fails(const char *src, int line, const char *want) {
  tmpdir_t td;
  vigil_ruleset_t *rs = (vigil_ruleset_t *)&td;
  char where[1024];

  td_make(&td);
  td_write(&td, "x.lua", src);
  assert_int_not_equal(load(&td, &rs), 0);
  assert_null(rs);
  snprintf(where, sizeof(where), "%s/x.lua:%d:", td.path, line);
  if (strncmp(err, where, strlen(where)) != 0 || !strstr(err, want))
    print_error("got '%s'\nwant '%s ... %s'\n", err, where, want);
  assert_memory_equal(err, where, strlen(where));
  assert_non_null(strstr(err, want));
  td_remove(&td);
}

#define OK_RULE(id) "rule { id = '" id "', title = 't', severity = 'low' }\n"

static void load_errors_name_file_line(void **state) {
  load_fails("\n" OK_RULE("a") "rule { id = 'b', title = 't', severity = 'severe' }\n", 3,
             "severity must be one of info, low, medium, high, critical");
  load_fails("rule { id = 'a', title = 't', severity = 'low',\n  colour = 'red' }\n", 1,
             "rule: unknown field 'colour'");
  load_fails("rule { id = 'a', title = 't', severity = 'low', on = 'CreateUser' }\n", 1,
             "'on' must be a table, not a string");
  load_fails("\n\nrule { id = 'a', title = 't', severity = 'low', on = { eventName = 5 } }\n",
             3, "on.eventName must be a string or a list of strings");
  load_fails("rule { id = 'a', title = 't', severity = 'low',\n"
             "  on = { eventSource = { 'iam.amazonaws.com', true } } }\n",
             1, "on.eventSource[2] must be a string");
  load_fails("rule { id = 'a', title = 't', severity = 'low', on = { eventname = 'X' } }\n", 1,
             "on: unknown field 'eventname'");
  load_fails("rule { id = 'a', title = 't', severity = 'low',\n"
             "  runbook = { about = 'x', cli = { 'aws iam list-users', 7 } } }\n",
             1, "cli[2] must be a string");
  load_fails("rule { id = 'a', title = 't', severity = 'low', when = 'yes' }\n", 1,
             "'when' must be a function, not a string");
  load_fails("local x = 1\nrule { id = 'a', title = 't' severity = 'low' }\n", 2,
             "'}' expected");
  load_fails("local t = nil\n\nlocal v = t.field\n", 3, "attempt to index a nil value");
  load_fails("error('told to fail')\n", 1, "told to fail");
}

static void duplicate_id_names_first_definition(void **state) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;
  char want[1024];

  td_make(&td);
  td_write(&td, "a.lua", "-- first\n\nrule {\n  id = 'dup', title = 't',\n  severity = 'low' }\n");
  td_write(&td, "b.lua", OK_RULE("other") OK_RULE("dup"));
  assert_int_not_equal(load(&td, &rs), 0);
  assert_null(rs);
  snprintf(want, sizeof(want), "%s/b.lua:2: duplicate rule id 'dup' (first defined at %s/a.lua:3)",
           td.path, td.path);
  assert_string_equal(err, want);
  td_remove(&td);
}

/* Disabled rules load (so they are checked, tested, and an override can
 * enable them) but are marked so the index never runs them. */
static void disabled_rules_counted_not_run(void **state) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;

  td_make(&td);
  td_write(&td, "r.lua",
           OK_RULE("on1") "rule { id = 'off', title = 't', severity = 'low', enabled = false }\n"
           "rule { id = 'on2', title = 't', severity = 'low', enabled = true }\n");
  assert_int_equal(load(&td, &rs), 0);
  assert_int_equal(rs->nrules, 3);
  assert_int_equal(rs->ndisabled, 1);
  assert_string_equal(rs->rules[0].id, "on1");
  assert_string_equal(rs->rules[1].id, "off");
  assert_false(vigil_rule_enabled(&rs->rules[1]));
  assert_true(vigil_rule_enabled(&rs->rules[2]));
  vigil_ruleset_free(rs);
  td_remove(&td);
}

/* lib/ folders hold modules: never loaded as rules, found by require(),
 * here and in the extra lib_dirs. Rule files load in sorted path order. */
static void lib_require_and_sorted_order(void **state) {
  tmpdir_t td, extra;
  vigil_ruleset_t *rs = NULL;
  const char *paths[1];
  const char *libs[1];
  char want[1024];
  cJSON *ev = cJSON_Parse("{}");

  td_make(&td);
  td_make(&extra);
  td_write(&td, "lib/x/y.lua", "return { answer = 42 }\n");
  td_write(&td, "lib/bad.lua", "error('a lib file was loaded as a rule')\n");
  td_write(&td, "pack/lib/also_bad.lua", "error('a nested lib file was loaded')\n");
  td_write(&extra, "lib/vigil/extra.lua", "return { word = 'hello' }\n");
  td_write(&td, "b.lua", "local y = require 'x.y'\n"
                         "rule { id = 'b', title = 't', severity = 'low',\n"
                         "  when = function(e) return y.answer == 42 end }\n");
  td_write(&td, "a/z.lua", "local x = require 'vigil.extra'\n"
                           "rule { id = 'az', title = 't', severity = 'low',\n"
                           "  when = function(e) return x.word == 'hello' end }\n");
  td_write(&td, "a.lua", "\n" OK_RULE("a"));
  td_write(&td, "pack/p.lua", OK_RULE("p"));
  td_write(&td, "notes.txt", "not a rule\n");
  paths[0] = td.path;
  libs[0] = extra.path;
  assert_int_equal(vigil_ruleset_load(paths, 1, libs, 1, &rs, err, sizeof(err)), 0);
  assert_int_equal(rs->nfiles, 4);
  assert_int_equal(rs->nrules, 4);
  assert_string_equal(rs->rules[0].id, "a");
  assert_string_equal(rs->rules[1].id, "az");
  assert_string_equal(rs->rules[2].id, "b");
  assert_string_equal(rs->rules[3].id, "p");
  snprintf(want, sizeof(want), "%s/a.lua", td.path);
  assert_string_equal(rs->rules[0].file, want);
  assert_int_equal(rs->rules[0].line, 2);
  assert_int_equal(vigil_ruleset_when(rs, 1, ev, err, sizeof(err)), 1);
  assert_int_equal(vigil_ruleset_when(rs, 2, ev, err, sizeof(err)), 1);
  vigil_ruleset_free(rs);
  cJSON_Delete(ev);
  td_remove(&td);
  td_remove(&extra);
}

static const char eval_rules[] =
    "rule { id = 'broken', title = 't', severity = 'high',\n"      /* 1 */
    "  when = function(e)\n"                                        /* 2 */
    "    return e.userIdentity.type == 'Root'\n"                    /* 3 */
    "  end }\n"                                                     /* 4 */
    "rule { id = 'fires', title = 't', severity = 'high',\n"       /* 5 */
    "  when = function(e) return e.eventName == 'CreateUser' end,\n"
    "  context = function(e)\n"
    "    return { user = e['requestParameters.userName'], n = 3,\n"
    "             list = { 'a', 'b' }, nested = { ok = true } }\n"
    "  end }\n"
    "rule { id = 'bad_context', title = 't', severity = 'low',\n"  /* 11 */
    "  context = function(e) return 'not a table' end }\n"
    "rule { id = 'nil_context', title = 't', severity = 'low',\n"
    "  context = function(e) return nil end }\n";

static void when_and_context(void **state) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;
  cJSON *ev = cJSON_Parse("{\"eventName\":\"CreateUser\","
                          "\"requestParameters\":{\"userName\":\"mallory\"}}");
  cJSON *other = cJSON_Parse("{\"eventName\":\"DeleteUser\",\"userIdentity\":{\"type\":\"x\"}}");
  cJSON *ctx;
  char want[1024];
  char *text;

  td_make(&td);
  td_write(&td, "eval.lua", eval_rules);
  assert_int_equal(load(&td, &rs), 0);

  /* userIdentity is missing: a runtime error naming the rule's file:line. */
  assert_int_equal(vigil_ruleset_when(rs, 0, ev, err, sizeof(err)), -1);
  snprintf(want, sizeof(want), "%s/eval.lua:3:", td.path);
  assert_non_null(strstr(err, want));
  assert_non_null(strstr(err, "attempt to index a nil value"));
  /* The next rule still runs, and the failing one works on a good event. */
  assert_int_equal(vigil_ruleset_when(rs, 1, ev, err, sizeof(err)), 1);
  assert_int_equal(vigil_ruleset_when(rs, 1, other, err, sizeof(err)), 0);
  assert_int_equal(vigil_ruleset_when(rs, 0, other, err, sizeof(err)), 0);
  /* No when: always a candidate. */
  assert_int_equal(vigil_ruleset_when(rs, 2, ev, err, sizeof(err)), 1);
  assert_int_equal(lua_gettop(rs->L), 0);

  ctx = vigil_ruleset_context(rs, 1, ev, err, sizeof(err));
  assert_non_null(ctx);
  text = cJSON_PrintUnformatted(ctx);
  assert_true(cJSON_IsObject(ctx));
  assert_string_equal(cJSON_GetObjectItem(ctx, "user")->valuestring, "mallory");
  assert_int_equal(cJSON_GetObjectItem(ctx, "n")->valuedouble, 3);
  assert_true(cJSON_IsArray(cJSON_GetObjectItem(ctx, "list")));
  assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(ctx, "list")), 2);
  assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(ctx, "nested"), "ok")));
  cJSON_free(text);
  cJSON_Delete(ctx);

  err[0] = '\0';
  assert_null(vigil_ruleset_context(rs, 2, ev, err, sizeof(err)));
  snprintf(want, sizeof(want), "%s/eval.lua:11: rule 'bad_context': context() must return a "
           "table, not a string", td.path);
  assert_string_equal(err, want);
  err[0] = '\0';
  assert_null(vigil_ruleset_context(rs, 3, ev, err, sizeof(err)));
  assert_string_equal(err, "");
  assert_null(vigil_ruleset_context(rs, 0, ev, err, sizeof(err))); /* has none */
  assert_int_equal(lua_gettop(rs->L), 0);

  vigil_ruleset_free(rs);
  cJSON_Delete(ev);
  cJSON_Delete(other);
  td_remove(&td);
}

/* What a rule's code can reach, reported by context() as type names. */
static void sandbox_globals_and_c_modules(void **state) {
  static const char *const gone[] = {"os",         "io",      "debug", "dofile",
                                     "loadfile",   "load",    "loadlib", NULL};
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;
  cJSON *ev = cJSON_Parse("{}");
  cJSON *ctx;
  const char *const *g;
  char cpath[512];

  td_make(&td);
  td_write(&td, "fake.so", "not really a shared object\n");
  td_write(&td, "lib/plain.lua", "return 'lua module'\n");
  snprintf(cpath, sizeof(cpath), "%s/?.so", td.path);
  /* The folder's path is baked into the rule: rules take no arguments. */
  {
    char src[2048];

    snprintf(src, sizeof(src),
             "rule { id = 'probe', title = 't', severity = 'low',\n"
             "  context = function(e)\n"
             "    local r = { os = type(os), io = type(io), debug = type(debug),\n"
             "      dofile = type(dofile), loadfile = type(loadfile), load = type(load),\n"
             "      loadlib = type(package.loadlib), cpath = package.cpath,\n"
             "      nsearchers = #package.searchers, plain = require 'plain' }\n"
             "    package.cpath = '%s'\n"
             "    local ok, msg = pcall(require, 'fake')\n"
             "    r.c_ok = ok; r.c_msg = msg\n"
             "    return r\n"
             "  end }\n",
             cpath);
    td_write(&td, "s.lua", src);
  }
  assert_int_equal(load(&td, &rs), 0);
  ctx = vigil_ruleset_context(rs, 0, ev, err, sizeof(err));
  assert_non_null(ctx);
  for (g = gone; *g; g++) {
    if (strcmp(cJSON_GetObjectItem(ctx, *g)->valuestring, "nil") != 0)
      print_error("'%s' is reachable from a rule\n", *g);
    assert_string_equal(cJSON_GetObjectItem(ctx, *g)->valuestring, "nil");
  }
  assert_string_equal(cJSON_GetObjectItem(ctx, "cpath")->valuestring, "");
  assert_int_equal(cJSON_GetObjectItem(ctx, "nsearchers")->valuedouble, 2);
  assert_string_equal(cJSON_GetObjectItem(ctx, "plain")->valuestring, "lua module");
  /* Even pointed at a .so, require never tries to open it. */
  assert_true(cJSON_IsFalse(cJSON_GetObjectItem(ctx, "c_ok")));
  assert_non_null(strstr(cJSON_GetObjectItem(ctx, "c_msg")->valuestring, "not found"));
  assert_null(strstr(cJSON_GetObjectItem(ctx, "c_msg")->valuestring, "fake.so"));
  cJSON_Delete(ctx);
  vigil_ruleset_free(rs);
  cJSON_Delete(ev);
  td_remove(&td);
}

static int dump_writer(lua_State *L, const void *p, size_t n, void *ud) {
  (void)L;
  return fwrite(p, 1, n, ud) == n ? 0 : 1;
}

/*
 * Regression test, once a bug (core/lua_state.c, restrict_require): the Lua searcher that
 * require() keeps loads modules with luaL_loadfile, mode "bt", so a
 * precompiled chunk under lib/ is accepted although DESIGN.md says rules
 * never load bytecode (rule files themselves use mode "t").
 */
static void require_refuses_bytecode(void **state) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;
  lua_State *plain;
  char path[512];
  FILE *f;

  td_make(&td);
  plain = luaL_newstate();
  assert_non_null(plain);
  assert_int_equal(luaL_loadstring(plain, "return { answer = 42 }"), LUA_OK);
  td_write(&td, "lib/evil.lua", ""); /* makes lib/ */
  f = fopen(td_path(&td, "lib/evil.lua", path, sizeof(path)), "wb");
  assert_non_null(f);
  assert_int_equal(lua_dump(plain, dump_writer, f, 1), 0);
  fclose(f);
  lua_close(plain);
  td_write(&td, "r.lua", "local m = require 'evil'\n" OK_RULE("r"));
  if (load(&td, &rs) == 0) {
    vigil_ruleset_free(rs);
    td_remove(&td);
    fail_msg("a precompiled module was loaded by require()");
  }
  assert_non_null(strstr(err, "binary"));
  td_remove(&td);
}

/*
 * Regression test, once a bug (core/rules.c, vigil_ruleset_load): a folder with no *.lua file
 * leaves files.v NULL and qsort(NULL, 0, ...) is called; UBSan stops the
 * process ("null pointer passed as argument 1").
 */
static void empty_folder_loads(void **state) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;

  td_make(&td);
  td_write(&td, "README.md", "no rules here\n");
  assert_int_equal(load(&td, &rs), 0);
  assert_int_equal(rs->nrules, 0);
  assert_int_equal(rs->nfiles, 0);
  vigil_ruleset_free(rs);
  td_remove(&td);
}

/*
 * Regression test, once a bug (core/rules.c, l_rule/new_rule): when a rule{} call fails after
 * new_rule() began filling the scratch slot and the error is caught by
 * pcall inside the rule file, the next rule{} call memsets that slot and
 * the half-made rule's strings, lists and meta leak. Only LeakSanitizer
 * sees it.
 */
static void caught_rule_error_leaks_nothing(void **state) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;

  td_make(&td);
  td_write(&td, "p.lua",
           "local ok = pcall(rule, { id = 'half', title = 't', severity = 'low',\n"
           "  on = { eventName = { 'A', 5 } } })\n"
           "assert(not ok)\n"
           "ok = pcall(rule, { id = 'half2', title = 't', severity = 'low', when = 5 })\n"
           "assert(not ok)\n" OK_RULE("whole"));
  assert_int_equal(load(&td, &rs), 0);
  assert_int_equal(rs->nrules, 1);
  assert_string_equal(rs->rules[0].id, "whole");
  vigil_ruleset_free(rs);
  td_remove(&td);
}

static void instruction_budget(void **state) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;
  cJSON *ev = cJSON_Parse("{\"n\":1000}");

  td_make(&td);
  td_write(&td, "loop.lua",
           "rule { id = 'spin', title = 't', severity = 'low',\n"
           "  when = function(e) while true do end end }\n"
           "rule { id = 'work', title = 't', severity = 'low',\n"
           "  when = function(e)\n"
           "    local s = 0\n"
           "    for i = 1, e.n do s = s + i end\n"
           "    return s == 500500\n"
           "  end }\n");
  assert_int_equal(load(&td, &rs), 0);
  assert_int_equal(vigil_ruleset_when(rs, 0, ev, err, sizeof(err)), -1);
  assert_non_null(strstr(err, "instruction budget exceeded"));
  assert_int_equal(vigil_ruleset_when(rs, 1, ev, err, sizeof(err)), 1);
  /* The budget is per call, not used up by the first. */
  assert_int_equal(vigil_ruleset_when(rs, 0, ev, err, sizeof(err)), -1);
  assert_non_null(strstr(err, "instruction budget exceeded"));
  assert_int_equal(vigil_ruleset_when(rs, 1, ev, err, sizeof(err)), 1);
  assert_int_equal(lua_gettop(rs->L), 0);
  vigil_ruleset_free(rs);
  cJSON_Delete(ev);
  td_remove(&td);
}

static void memory_cap(void **state) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;
  cJSON *ev = cJSON_Parse("{}");
  vigil_lstate_t *ls;
  size_t limit;

  td_make(&td);
  td_write(&td, "mem.lua",
           "rule { id = 'huge_string', title = 't', severity = 'low',\n"
           "  when = function(e) return #string.rep('x', 1 << 30) > 0 end }\n"
           "rule { id = 'growing_table', title = 't', severity = 'low',\n"
           "  when = function(e)\n"
           "    local t = {}\n"
           "    for i = 1, 100000 do t[i] = { i } end\n"
           "    return #t > 0\n"
           "  end }\n"
           "rule { id = 'small', title = 't', severity = 'low',\n"
           "  when = function(e) local t = { 1, 2, 3 } return #t == 3 end }\n");
  assert_int_equal(load(&td, &rs), 0);
  ls = vigil_lstate(rs->L);
  limit = ls->mem_limit;
  assert_int_equal(limit, VIGIL_LUA_MEM_LIMIT_DEFAULT);

  /* One allocation of 1 GiB, over the default 256 MiB cap. */
  assert_int_equal(vigil_ruleset_when(rs, 0, ev, err, sizeof(err)), -1);
  assert_non_null(strstr(err, "not enough memory"));
  assert_int_equal(vigil_ruleset_when(rs, 2, ev, err, sizeof(err)), 1);

  /* Many small allocations, under a cap lowered to 4 MiB above use. */
  ls->mem_limit = ls->mem_used + (4u << 20);
  assert_int_equal(vigil_ruleset_when(rs, 1, ev, err, sizeof(err)), -1);
  assert_non_null(strstr(err, "not enough memory"));
  assert_true(ls->mem_used <= ls->mem_limit);
  assert_int_equal(vigil_ruleset_when(rs, 2, ev, err, sizeof(err)), 1);
  ls->mem_limit = limit;
  assert_int_equal(vigil_ruleset_when(rs, 1, ev, err, sizeof(err)), 1);
  assert_int_equal(lua_gettop(rs->L), 0);
  vigil_ruleset_free(rs);
  cJSON_Delete(ev);
  td_remove(&td);
}

static void severity_names(void **state) {
  assert_int_equal(vigil_severity_parse("info"), VIGIL_SEV_INFO);
  assert_int_equal(vigil_severity_parse("critical"), VIGIL_SEV_CRITICAL);
  assert_int_equal(vigil_severity_parse("Critical"), -1);
  assert_int_equal(vigil_severity_parse(NULL), -1);
  assert_string_equal(vigil_severity_name(VIGIL_SEV_MEDIUM), "medium");
  assert_string_equal(vigil_severity_name((vigil_severity_t)9), "unknown");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(load_errors_name_file_line),
      cmocka_unit_test(duplicate_id_names_first_definition),
      cmocka_unit_test(disabled_rules_counted_not_run),
      cmocka_unit_test(lib_require_and_sorted_order),
      cmocka_unit_test(when_and_context),
      cmocka_unit_test(sandbox_globals_and_c_modules),
      cmocka_unit_test(require_refuses_bytecode),
      cmocka_unit_test(empty_folder_loads),
      cmocka_unit_test(caught_rule_error_leaks_nothing),
      cmocka_unit_test(instruction_budget),
      cmocka_unit_test(memory_cap),
      cmocka_unit_test(severity_names),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
