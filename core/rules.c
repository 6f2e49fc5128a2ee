#include "rules.h"

#include <dirent.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>

#include "lua_event.h"
#include "lua_json.h"
#include "lua_state.h"
#include "rules_int.h"

static const char *const severity_names[] = {"info", "low", "medium", "high", "critical"};

/* Every key a rule table may hold; anything else is a load error. */
static const char *const rule_keys[] = {"id",      "title",   "severity", "description",
                                        "tags",    "references", "on",    "when",
                                        "output",  "context", "runbook",  "tests",
                                        "enabled", "author",  "threshold", "distinct",
                                        "sequence", "dedup",  "exceptions", NULL};
static const char *const runbook_keys[] = {"about", "risks", "console", "cli", NULL};

int vigil_severity_parse(const char *s) {
  int i;

  for (i = 0; s && i < 5; i++) {
    if (strcmp(s, severity_names[i]) == 0)
      return i;
  }
  return -1;
}

const char *vigil_severity_name(vigil_severity_t s) {
  return (unsigned)s < 5 ? severity_names[s] : "unknown";
}

/* ---- rule{} validation: errors name the calling file:line ---- */

int vigil_rl_error(lua_State *L, const char *fmt, ...) {
  va_list ap;

  luaL_where(L, 1); /* the Lua code that called rule{} */
  va_start(ap, fmt);
  lua_pushvfstring(L, fmt, ap);
  va_end(ap);
  lua_concat(L, 2);
  return lua_error(L);
}

static int in_list(const char *key, const char *const *list) {
  for (; *list; list++) {
    if (strcmp(key, *list) == 0)
      return 1;
  }
  return 0;
}

/* Edit distance of a and b when both are short, else a large number. */
static size_t distance(const char *a, const char *b) {
  size_t row[33];
  size_t la = strlen(a);
  size_t lb = strlen(b);
  size_t i;
  size_t j;
  size_t diag;
  size_t up;

  if (la > 32 || lb > 32)
    return 99;
  for (j = 0; j <= lb; j++)
    row[j] = j;
  for (i = 1; i <= la; i++) {
    diag = row[0];
    row[0] = i;
    for (j = 1; j <= lb; j++) {
      up = row[j];
      row[j] = diag + (a[i - 1] != b[j - 1]);
      if (up + 1 < row[j])
        row[j] = up + 1;
      if (row[j - 1] + 1 < row[j])
        row[j] = row[j - 1] + 1;
      diag = up;
    }
  }
  return row[lb];
}

/* Every key of the table at idx must be a string in allowed. A near miss
 * names the key it probably meant: the error can only point at the
 * rule{} line, as Lua keeps no line for a table's keys. */
void vigil_rl_check_keys(lua_State *L, int idx, const char *const *allowed, const char *what) {
  const char *const *k;
  const char *key;
  const char *best = NULL;
  size_t d;
  size_t best_d = 3;

  idx = lua_absindex(L, idx);
  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) == LUA_TSTRING && in_list(lua_tostring(L, -1), allowed))
      continue;
    key = luaL_tolstring(L, -1, NULL);
    for (k = allowed; lua_type(L, -2) == LUA_TSTRING && *k; k++) {
      if ((d = distance(key, *k)) < best_d) {
        best_d = d;
        best = *k;
      }
    }
    if (best)
      vigil_rl_error(L, "%s: unknown field '%s' (did you mean '%s'?)", what, key, best);
    vigil_rl_error(L, "%s: unknown field '%s'", what, key);
  }
}

/* The string on top must hold no NUL byte: copied as a C string it would
 * end there and filter on something else. */
static void no_nul(lua_State *L, const char *key, int i, const char *rid) {
  if (strlen(lua_tostring(L, -1)) == lua_rawlen(L, -1))
    return;
  if (i > 0)
    vigil_rl_error(L, "rule '%s': on.%s[%d] holds a NUL byte", rid, key, i);
  vigil_rl_error(L, "rule '%s': on.%s holds a NUL byte", rid, key);
}

/* A string or a list of strings at field `key` of table idx, copied into
 * *dst as it goes, so an error half way leaves nothing unowned. */
void vigil_rl_string_list(lua_State *L, int idx, const char *key, char ***dst, int *n,
                        const char *rid) {
  int i;
  int len;

  *n = 0;
  lua_getfield(L, idx, key);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    return;
  }
  if (lua_type(L, -1) == LUA_TSTRING) {
    no_nul(L, key, 0, rid);
    *dst = calloc(1, sizeof(char *));
    if (!*dst || !((*dst)[0] = strdup(lua_tostring(L, -1))))
      luaL_error(L, "out of memory");
    *n = 1;
  } else if (lua_type(L, -1) == LUA_TTABLE) {
    len = (int)lua_rawlen(L, -1);
    *dst = calloc((size_t)(len ? len : 1), sizeof(char *));
    if (!*dst)
      luaL_error(L, "out of memory");
    for (i = 0; i < len; i++) {
      lua_rawgeti(L, -1, i + 1);
      if (lua_type(L, -1) != LUA_TSTRING)
        vigil_rl_error(L, "rule '%s': on.%s[%d] must be a string", rid, key, i + 1);
      no_nul(L, key, i + 1, rid);
      if (!((*dst)[i] = strdup(lua_tostring(L, -1))))
        luaL_error(L, "out of memory");
      *n = i + 1;
      lua_pop(L, 1);
    }
  } else {
    vigil_rl_error(L, "rule '%s': on.%s must be a string or a list of strings", rid, key);
  }
  lua_pop(L, 1);
}

void vigil_rl_free_list(char **l, int n) {
  int i;

  for (i = 0; l && i < n; i++)
    free(l[i]);
  free(l);
}

static void rule_clear(lua_State *L, vigil_rule_t *r) {
  int i;

  free(r->id);
  free(r->title);
  free(r->file);
  free(r->output);
  vigil_rl_free_on(r);
  for (i = 0; r->meta_text && r->meta_text[i]; i++)
    cJSON_free(r->meta_text[i]);
  free(r->meta_text);
  cJSON_Delete(r->meta);
  free(r->ov_where);
  vigil_form_free(L, &r->form);
  vigil_exceptions_free(L, r->exc, r->nexc);
  vigil_exceptions_free(L, r->ov_exc, r->nov_exc);
  if (L) {
    luaL_unref(L, LUA_REGISTRYINDEX, r->when_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, r->context_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, r->tests_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, r->severity_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, r->title_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, r->ov_tests_ref);
  }
  memset(r, 0, sizeof(*r));
}

/* Field `key` must be nil or of type t. Returns 1 when present. */
int vigil_rl_opt(lua_State *L, int idx, const char *key, int t, const char *rid) {
  int got = lua_getfield(L, idx, key);

  if (got == LUA_TNIL) {
    lua_pop(L, 1);
    return 0;
  }
  if (got != t)
    vigil_rl_error(L, "rule '%s': '%s' must be a %s, not a %s", rid, key, lua_typename(L, t),
               luaL_typename(L, -1));
  return 1;
}

void vigil_rl_check_strings(lua_State *L, int idx, const char *what, const char *rid) {
  lua_Integer i;
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);

  for (i = 1; i <= n; i++) {
    if (lua_rawgeti(L, idx, i) != LUA_TSTRING)
      vigil_rl_error(L, "rule '%s': %s[%d] must be a string", rid, what, (int)i);
    lua_pop(L, 1);
  }
}

/* Builds the metadata object alerts carry: description, tags, references,
 * runbook. */
static cJSON *build_meta(lua_State *L, int idx, const char *rid) {
  static const char *const fields[] = {"description", "author", "tags", "references", "runbook",
                                       NULL};
  const char *const *f;
  const char *why = NULL;
  cJSON *meta = cJSON_CreateObject();
  cJSON *v;

  for (f = fields; *f; f++) {
    if (lua_getfield(L, idx, *f) != LUA_TNIL) {
      v = vigil_lua_to_json(L, -1, &why);
      if (!v) {
        cJSON_Delete(meta);
        vigil_rl_error(L, "rule '%s': '%s' holds a %s", rid, *f, why);
      }
      cJSON_AddItemToObject(meta, *f, v);
    }
    lua_pop(L, 1);
  }
  return meta;
}

/* Every alert of a rule carries the same metadata: printed once here, the
 * text is copied into each alert instead of copying and printing the tree
 * (the runbook is most of an alert's size). NULL-terminated. */
static void print_meta(lua_State *L, vigil_rule_t *r) {
  const cJSON *m;
  int n = cJSON_GetArraySize(r->meta);
  int i = 0;

  if (!(r->meta_text = calloc((size_t)n + 1, sizeof(char *))))
    luaL_error(L, "out of memory");
  cJSON_ArrayForEach(m, r->meta) {
    if (!(r->meta_text[i++] = cJSON_PrintUnformatted(m)))
      luaL_error(L, "out of memory");
  }
}

static void check_runbook(lua_State *L, int idx, const char *rid) {
  static const char *const lists[] = {"risks", "console", "cli", NULL};
  const char *const *l;

  if (!vigil_rl_opt(L, idx, "runbook", LUA_TTABLE, rid))
    return;
  vigil_rl_check_keys(L, lua_gettop(L), runbook_keys, "runbook");
  if (lua_getfield(L, -1, "about") != LUA_TSTRING && !lua_isnil(L, -1))
    vigil_rl_error(L, "rule '%s': runbook.about must be a string", rid);
  lua_pop(L, 1);
  for (l = lists; *l; l++) {
    lua_getfield(L, -1, *l);
    if (lua_istable(L, -1))
      vigil_rl_check_strings(L, lua_gettop(L), *l, rid);
    else if (!lua_isnil(L, -1))
      vigil_rl_error(L, "rule '%s': runbook.%s must be a list of strings", rid, *l);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

int vigil_rl_ref_fn(lua_State *L, int idx, const char *key, const char *rid) {
  if (!vigil_rl_opt(L, idx, key, LUA_TFUNCTION, rid))
    return LUA_NOREF;
  return luaL_ref(L, LUA_REGISTRYINDEX);
}

static vigil_rule_t *new_rule(lua_State *L, vigil_ruleset_t *rs) {
  vigil_rule_t *r;

  if (rs->nrules == rs->cap) {
    r = realloc(rs->rules, (rs->cap ? rs->cap * 2 : 32) * sizeof(*r));
    if (!r)
      luaL_error(L, "out of memory");
    rs->rules = r;
    rs->cap = rs->cap ? rs->cap * 2 : 32;
    memset(r + rs->nrules, 0, (rs->cap - rs->nrules) * sizeof(*r));
  }
  r = &rs->rules[rs->nrules];
  rule_clear(L, r); /* a half-made rule from a rule{} error caught by pcall */
  r->when_ref = r->context_ref = r->tests_ref = LUA_NOREF;
  r->severity_ref = r->title_ref = r->ov_tests_ref = LUA_NOREF;
  r->form.field_ref = r->form.key.fn_ref = r->form.dedup_key.fn_ref = LUA_NOREF;
  r->ov_enabled = r->ov_severity = -1;
  r->enabled = 1;
  return r;
}

/* rule { ... }: validates the table and registers the rule. The rule is
 * counted only once complete, so a failed call leaves nothing half-made;
 * its strings are freed by the load's cleanup via the scratch slot. */
static int l_rule(lua_State *L) {
  vigil_ruleset_t *rs = lua_touserdata(L, lua_upvalueindex(1));
  vigil_rule_t *r;
  lua_Debug ar;
  const char *s;
  int sev;
  int enabled;
  size_t i;

  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  vigil_rl_check_keys(L, 1, rule_keys, "rule");
  if (lua_getfield(L, 1, "id") != LUA_TSTRING || lua_rawlen(L, -1) == 0)
    return vigil_rl_error(L, "rule needs an 'id' string");
  s = lua_tostring(L, -1);
  for (i = 0; i < rs->nrules; i++) {
    if (strcmp(rs->rules[i].id, s) == 0)
      return vigil_rl_error(L, "duplicate rule id '%s' (first defined at %s:%d)", s,
                        rs->rules[i].file, rs->rules[i].line);
  }
  lua_getfield(L, 1, "enabled");
  if (!lua_isnil(L, -1) && !lua_isboolean(L, -1))
    return vigil_rl_error(L, "rule '%s': 'enabled' must be a boolean", s);
  enabled = lua_isnil(L, -1) || lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (lua_getfield(L, 1, "title") != LUA_TSTRING && !lua_isfunction(L, -1))
    return vigil_rl_error(L, "rule '%s' needs a 'title' string (or a function of the event)", s);
  lua_pop(L, 1);
  /* A severity function's nominal level (listings, explain) is medium;
   * its alerts carry what it returns. */
  lua_getfield(L, 1, "severity");
  if (lua_isfunction(L, -1))
    sev = VIGIL_SEV_MEDIUM;
  else if (lua_type(L, -1) != LUA_TSTRING || (sev = vigil_severity_parse(lua_tostring(L, -1))) < 0)
    return vigil_rl_error(L,
                          "rule '%s': severity must be one of info, low, medium, high, critical "
                          "(or a function of the event returning one)",
                          s);
  lua_pop(L, 1);
  if (vigil_rl_opt(L, 1, "description", LUA_TSTRING, s))
    lua_pop(L, 1);
  if (vigil_rl_opt(L, 1, "author", LUA_TSTRING, s))
    lua_pop(L, 1);
  if (vigil_rl_opt(L, 1, "output", LUA_TSTRING, s))
    lua_pop(L, 1);
  if (vigil_rl_opt(L, 1, "tags", LUA_TTABLE, s)) {
    vigil_rl_check_strings(L, lua_gettop(L), "tags", s);
    vigil_tags_check(L, lua_gettop(L), s);
    lua_pop(L, 1);
  }
  if (vigil_rl_opt(L, 1, "references", LUA_TTABLE, s)) {
    vigil_rl_check_strings(L, lua_gettop(L), "references", s);
    lua_pop(L, 1);
  }
  if (vigil_rl_opt(L, 1, "tests", LUA_TTABLE, s))
    lua_pop(L, 1);
  check_runbook(L, 1, s);

  r = new_rule(L, rs);
  if (vigil_rl_opt(L, 1, "on", LUA_TTABLE, s)) {
    vigil_rl_parse_on(L, 3, r, s);
    lua_pop(L, 1);
  }
  r->id = strdup(s);
  vigil_form_parse(L, 1, r, s);
  vigil_exceptions_parse(L, 1, s, &r->exc, &r->nexc);
  r->meta = build_meta(L, 1, s);
  print_meta(L, r);
  r->severity = (vigil_severity_t)sev;
  r->enabled = enabled;
  r->sig = rs->loading_sig;
  for (i = 0; s[i]; i++)
    r->sig = (r->sig ^ (unsigned char)s[i]) * 1099511628211ull;
  lua_getfield(L, 1, "title");
  r->title = strdup(lua_isstring(L, -1) ? lua_tostring(L, -1) : s);
  if (lua_isfunction(L, -1))
    r->title_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  else
    lua_pop(L, 1);
  if (lua_getfield(L, 1, "severity") == LUA_TFUNCTION)
    r->severity_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  else
    lua_pop(L, 1);
  if (lua_getfield(L, 1, "output") == LUA_TSTRING)
    r->output = strdup(lua_tostring(L, -1));
  lua_pop(L, 1);
  lua_getstack(L, 1, &ar);
  lua_getinfo(L, "Sl", &ar);
  r->file = strdup(rs->loading ? rs->loading : ar.short_src);
  r->line = ar.currentline;
  r->when_ref = vigil_rl_ref_fn(L, 1, "when", s);
  r->context_ref = vigil_rl_ref_fn(L, 1, "context", s);
  if (lua_getfield(L, 1, "tests") == LUA_TTABLE)
    r->tests_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  else
    lua_pop(L, 1);
  rs->nrules++;
  return 0;
}

/* ---- finding rule files ---- */

typedef struct pathlist_s {
  char **v;
  size_t n;
  size_t cap;
} pathlist_t;

static int pl_add(pathlist_t *pl, const char *p) {
  char **v;

  if (pl->n == pl->cap) {
    pl->cap = pl->cap ? pl->cap * 2 : 64;
    v = realloc(pl->v, pl->cap * sizeof(char *));
    if (!v)
      return -1;
    pl->v = v;
  }
  pl->v[pl->n] = strdup(p);
  return pl->v[pl->n++] ? 0 : -1;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s);
  size_t b = strlen(suffix);

  return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Collects *.lua under dir, recursively, skipping lib/ and hidden entries. */
static int collect(const char *dir, pathlist_t *pl, char *err, size_t errlen) {
  DIR *d = opendir(dir);
  struct dirent *de;
  struct stat st;
  char path[4096];
  int rc = 0;

  if (!d) {
    snprintf(err, errlen, "%s: cannot open rule folder: %m", dir);
    return -1;
  }
  while (rc == 0 && (de = readdir(d))) {
    if (de->d_name[0] == '.')
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
    if (stat(path, &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode)) {
      if (strcmp(de->d_name, "lib") != 0)
        rc = collect(path, pl, err, errlen);
    } else if (S_ISREG(st.st_mode) && ends_with(de->d_name, ".lua")) {
      rc = pl_add(pl, path);
    }
  }
  closedir(d);
  return rc;
}

static void pl_free(pathlist_t *pl) {
  size_t i;

  for (i = 0; i < pl->n; i++)
    free(pl->v[i]);
  free(pl->v);
}

/* FNV-1a of the file's text: a rule's state survives a reload only when
 * the file that defines it is unchanged. */
static uint64_t file_hash(const char *path) {
  uint64_t h = 1469598103934665603ull;
  unsigned char buf[8192];
  size_t n;
  size_t i;
  FILE *f = fopen(path, "rb");

  if (!f)
    return h;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
    for (i = 0; i < n; i++)
      h = (h ^ buf[i]) * 1099511628211ull;
  }
  fclose(f);
  return h;
}

static int load_file(vigil_ruleset_t *rs, const char *path, char *err, size_t errlen) {
  lua_State *L = rs->L;
  const char *msg;

  rs->loading = path;
  rs->loading_sig = file_hash(path);
  if (luaL_loadfilex(L, path, "t") != LUA_OK ||
      vigil_lstate_pcall(L, 0, 0) != LUA_OK) {
    msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "(error object)";
    /* Errors from C (memory) carry no position: name the file at least. */
    if (strstr(msg, path) == msg || strncmp(msg, "[string", 7) == 0)
      snprintf(err, errlen, "%s", msg);
    else
      snprintf(err, errlen, "%s: %s", path, msg);
    lua_pop(L, 1);
    rs->loading = NULL;
    return VIGIL_EINVAL;
  }
  rs->loading = NULL;
  rs->nfiles++;
  return VIGIL_OK;
}

int vigil_ruleset_load(const char *const *paths, int npaths, const char *const *lib_dirs,
                       int nlib, vigil_ruleset_t **out, char *err, size_t errlen) {
  vigil_ruleset_t *rs = calloc(1, sizeof(*rs));
  const char *dirs[64];
  int ndirs = 0;
  pathlist_t files = {0};
  pathlist_t file_dirs = {0}; /* owns the folders of rule files given alone */
  struct stat st;
  size_t i;
  int rc = VIGIL_EINVAL;

  *out = NULL;
  if (!rs)
    return VIGIL_ENOMEM;
  for (i = 0; i < (size_t)npaths; i++) {
    if (stat(paths[i], &st) != 0) {
      snprintf(err, errlen, "%s: no such rule file or folder", paths[i]);
      goto done;
    }
    if (S_ISDIR(st.st_mode)) {
      if (ndirs < 32)
        dirs[ndirs++] = paths[i];
      if (collect(paths[i], &files, err, errlen) != 0)
        goto done;
    } else if (pl_add(&files, paths[i]) != 0) {
      goto done;
    } else if (ndirs < 32 && pl_add(&file_dirs, paths[i]) == 0) {
      /* A rule file given alone finds the modules beside it, as it
       * would when its folder is loaded. */
      dirs[ndirs++] = dirname(file_dirs.v[file_dirs.n - 1]);
    }
  }
  for (i = 0; i < (size_t)nlib && ndirs < 64; i++)
    dirs[ndirs++] = lib_dirs[i];
  if (files.n > 0)
    qsort(files.v, files.n, sizeof(char *), cmp_str);

  rs->L = vigil_lstate_new(dirs, ndirs, err, errlen);
  if (!rs->L)
    goto done;
  lua_pushlightuserdata(rs->L, rs);
  lua_pushcclosure(rs->L, l_rule, 1);
  lua_setglobal(rs->L, "rule");
  vigil_override_register(rs->L, rs);
  for (i = 0; i < files.n; i++) {
    if ((rc = load_file(rs, files.v[i], err, errlen)) != VIGIL_OK)
      goto done;
  }
  rc = VIGIL_EINVAL;
  if (vigil_overrides_apply(rs, err, errlen) != 0)
    goto done;
  for (i = 0; i < rs->nrules; i++)
    rs->ndisabled += !vigil_rule_enabled(&rs->rules[i]);
  rc = VIGIL_OK;

done:
  pl_free(&files);
  pl_free(&file_dirs);
  if (rc != VIGIL_OK) {
    vigil_ruleset_free(rs);
    return rc;
  }
  *out = rs;
  return VIGIL_OK;
}

void vigil_ruleset_free(vigil_ruleset_t *rs) {
  size_t i;

  if (!rs)
    return;
  /* The slot past the last rule may hold a half-made one (see new_rule). */
  for (i = 0; i < rs->nrules + (rs->nrules < rs->cap); i++)
    rule_clear(NULL, &rs->rules[i]);
  vigil_overrides_free(rs);
  free(rs->rules);
  vigil_lstate_close(rs->L);
  free(rs);
}

int vigil_rule_enabled(const vigil_rule_t *r) {
  return r->ov_enabled >= 0 ? r->ov_enabled : r->enabled;
}

vigil_severity_t vigil_rule_severity(const vigil_rule_t *r) {
  return r->ov_severity >= 0 ? (vigil_severity_t)r->ov_severity : r->severity;
}

/* ---- evaluation ---- */

int vigil_ruleset_call(vigil_ruleset_t *rs, int ref, const cJSON *event, char *err,
                       size_t errlen) {
  lua_State *L = rs->L;

  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);           /* fn */
  if (event)
    vigil_event_push(L, event);                     /* fn, e */
  else
    vigil_event_push_doc(L);                        /* fn, e over the bytes */
  if (vigil_lstate_pcall(L, 1, 1) != LUA_OK) {      /* result or message */
    snprintf(err, errlen, "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "(error object)");
    lua_pop(L, 1);
    return -1;
  }
  return 0;
}

int vigil_ruleset_when(vigil_ruleset_t *rs, size_t i, const cJSON *event, char *err,
                       size_t errlen) {
  int fired;

  if (rs->rules[i].when_ref == LUA_NOREF)
    return 1;
  if (vigil_ruleset_call(rs, rs->rules[i].when_ref, event, err, errlen) != 0)
    return -1;
  /* Any value counts as true or false, as in Lua, except a function: that
   * is a helper named but not called (`return aws.is_root`), which would
   * fire on every event. */
  if (lua_isfunction(rs->L, -1)) {
    snprintf(err, errlen, "%s:%d: rule '%s': when() returned a function, not a result "
             "(a call missing its parentheses?)", rs->rules[i].file, rs->rules[i].line,
             rs->rules[i].id);
    lua_pop(rs->L, 1);
    return -1;
  }
  fired = lua_toboolean(rs->L, -1);
  lua_pop(rs->L, 1);
  return fired;
}

cJSON *vigil_ruleset_context(vigil_ruleset_t *rs, size_t i, const cJSON *event, char *err,
                             size_t errlen) {
  cJSON *ctx = NULL;
  const char *why = NULL;
  lua_State *L = rs->L;

  if (rs->rules[i].context_ref == LUA_NOREF)
    return NULL;
  if (vigil_ruleset_call(rs, rs->rules[i].context_ref, event, err, errlen) != 0)
    return NULL;
  if (lua_istable(L, -1)) {
    ctx = vigil_lua_to_json(L, -1, &why);
    if (!ctx)
      snprintf(err, errlen, "%s:%d: rule '%s': context() result holds a %s",
               rs->rules[i].file, rs->rules[i].line, rs->rules[i].id, why);
  } else if (!lua_isnil(L, -1)) {
    snprintf(err, errlen, "%s:%d: rule '%s': context() must return a table, not a %s",
             rs->rules[i].file, rs->rules[i].line, rs->rules[i].id, luaL_typename(L, -1));
  }
  lua_pop(L, 1);
  return ctx;
}
