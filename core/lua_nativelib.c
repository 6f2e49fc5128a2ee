/*
 * require "vigil.native": the hottest helpers of the rules' libraries
 * answered in C on byte views. Nearly every rule asks whether a call
 * succeeded, came from an AWS service or from the console, and the burst
 * rules key every read by its secret or parameter; in Lua each answer cost
 * a function call and two or three field reads pushed as Lua strings,
 * every VM instruction of it also paying the instruction-budget hook
 * (docs/performance.md).
 *
 * Each constructor takes the Lua function it stands for and returns a C
 * closure that answers for a live byte view and calls the Lua function
 * for anything else: tree views (VIGIL_FAST_PATH=off), tables, stale
 * views, and shapes the C does not read (a BatchGetSecretValue's list).
 * Both must give the same answer: tests/e2e/test_aws_helpers.sh and
 * test_native_helpers.sh ask both kinds of view, and test_fast_path compares
 * the whole pack's alerts. The yes/no helpers remember their answer for
 * the last view asked, as vigil.aws's per_event did.
 */
#include "lua_nativelib.h"

#include <string.h>

#include <lauxlib.h>

#include "lua_event.h"
#include "lua_state.h"

/* upvalues of each helper's closure */
#define UP_SPEC 1 /* its entry in helpers[] */
#define UP_LUA 2  /* the Lua function it stands for */
#define UP_VIEW 3 /* yes/no helpers: the last view answered, or nil */
#define UP_GEN 4  /* that view's generation */
#define UP_ANS 5  /* its answer */
#define NUP 5

/* Text of the field at path as e[path] gives it: 1 with *s, *n set; 0 when
 * absent or not a string; -1 when the view cannot answer. */
static int field(lua_State *L, const char *path, const char **s, size_t *n) {
  vigil_jval_t v;

  if (vigil_event_view_get(L, 1, path, strlen(path), &v) != 0)
    return -1;
  if (v.type != VIGIL_J_STRING)
    return 0;
  return (*s = vigil_event_view_str(L, &v, n)) ? 1 : -1;
}

static int is(const char *s, size_t n, const char *lit) {
  size_t k = strlen(lit);

  return n == k && memcmp(s, lit, k) == 0;
}

static int ends(const char *s, size_t n, const char *lit) {
  size_t k = strlen(lit);

  return n >= k && memcmp(s + n - k, lit, k) == 0;
}

/* aws.succeeded */
static int succeeded(lua_State *L) {
  const char *s;
  size_t n;
  int r;

  if ((r = field(L, "errorCode", &s, &n)) < 0)
    return -1;
  if (r && n > 0)
    return 0;
  if ((r = field(L, "eventName", &s, &n)) < 0)
    return -1;
  if (!r || !is(s, n, "ConsoleLogin"))
    return 1;
  if ((r = field(L, "responseElements.ConsoleLogin", &s, &n)) < 0)
    return -1;
  return r && is(s, n, "Success");
}

/* aws.is_aws_service */
static int aws_service(lua_State *L) {
  const char *s;
  size_t n;
  int r;

  if ((r = field(L, "userIdentity.type", &s, &n)) < 0)
    return -1;
  if (r && is(s, n, "AWSService"))
    return 1;
  if ((r = field(L, "userIdentity.invokedBy", &s, &n)) < 0)
    return -1;
  return r && ends(s, n, ".amazonaws.com") && !is(s, n, "signin.amazonaws.com") &&
         !is(s, n, "console.amazonaws.com");
}

/* aws.is_console */
static int console(lua_State *L) {
  vigil_jval_t flag;
  const char *s;
  size_t n;
  int r;

  if ((r = field(L, "eventType", &s, &n)) < 0)
    return -1;
  if (r && is(s, n, "AwsConsoleSignIn"))
    return 1;
  if (vigil_event_view_get(L, 1, "sessionCredentialFromConsole", 28, &flag) != 0)
    return -1;
  if (flag.type == VIGIL_J_TRUE)
    return 1;
  if (flag.type == VIGIL_J_STRING) {
    if (!(s = vigil_event_view_str(L, &flag, &n)))
      return -1;
    if (is(s, n, "true"))
      return 1;
  }
  if ((r = field(L, "userAgent", &s, &n)) < 0)
    return -1;
  if (!r)
    return 0;
  return is(s, n, "signin.amazonaws.com") || is(s, n, "console.amazonaws.com") ||
         memmem(s, n, "Console/", 8) || memmem(s, n, "Console,", 8);
}

/* ---- distinct-count keys of vigil.data: a string, or the Lua function ---- */

static int alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* data.secret_name for a non-empty id: the name of an ARN
 * "arn:<partition>:secretsmanager:<region>:<digits>:secret:<name>" without
 * its suffix of "-" and six letters or digits (Lua's ^arn:[%w%-]+:secretsmanager:[^:]*:%d*:secret:
 * (.+)$ and ^%-%w%w%w%w%w%w$ in the C locale), else id itself. */
static void secret_name(const char *s, size_t n, const char **out, size_t *olen) {
  static const char svc[] = "secretsmanager:";
  static const char sec[] = "secret:";
  size_t i = 4;
  size_t k;

  *out = s;
  *olen = n;
  if (n < 4 || memcmp(s, "arn:", 4) != 0)
    return;
  for (k = i; i < n && (alnum((unsigned char)s[i]) || s[i] == '-'); i++)
    ;
  if (i == k || i == n || s[i++] != ':')
    return;
  if (n - i < sizeof(svc) - 1 || memcmp(s + i, svc, sizeof(svc) - 1) != 0)
    return;
  for (i += sizeof(svc) - 1; i < n && s[i] != ':'; i++)
    ;
  if (i++ == n)
    return;
  for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
    ;
  if (i == n || s[i++] != ':')
    return;
  if (n - i < sizeof(sec) - 1 || memcmp(s + i, sec, sizeof(sec) - 1) != 0)
    return;
  i += sizeof(sec) - 1;
  if (i == n) /* (.+) wants a character */
    return;
  *out = s + i;
  *olen = n - i;
  if (*olen >= 7 && (*out)[*olen - 7] == '-') {
    for (k = *olen - 6; k < *olen && alnum((unsigned char)(*out)[k]); k++)
      ;
    if (k == *olen)
      *olen -= 7;
  }
}

/* data.secret_target when requestParameters.secretId is a non-empty string
 * (GetSecretValue); 1 with the key pushed, -1 to ask Lua */
static int secret_key(lua_State *L) {
  const char *s;
  size_t n;

  if (field(L, "requestParameters.secretId", &s, &n) != 1 || n == 0)
    return -1;
  secret_name(s, n, &s, &n);
  lua_pushlstring(L, s, n);
  return 1;
}

/* data.parameter_target when requestParameters.name is a string
 * (GetParameter): that name */
static int parameter_key(lua_State *L) {
  const char *s;
  size_t n;

  if (field(L, "requestParameters.name", &s, &n) != 1)
    return -1;
  lua_pushlstring(L, s, n);
  return 1;
}

static int hex(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* net.is_instance_session: an AssumedRole session with ec2RoleDelivery, or
 * whose arn ends ":assumed-role/<role>/i-<8 or 17 hex digits>" */
static int instance_session(lua_State *L) {
  static const char ar[] = ":assumed-role/";
  const char *s;
  const char *at;
  const char *slash;
  size_t n;
  size_t k;
  int r;

  if ((r = field(L, "userIdentity.type", &s, &n)) < 0)
    return -1;
  if (!r || !is(s, n, "AssumedRole"))
    return 0;
  if ((r = field(L, "userIdentity.sessionContext.ec2RoleDelivery", &s, &n)) < 0)
    return -1;
  if (r && n > 0)
    return 1;
  if ((r = field(L, "userIdentity.arn", &s, &n)) < 0)
    return -1;
  if (!r || !(at = memmem(s, n, ar, sizeof(ar) - 1)))
    return 0;
  at += sizeof(ar) - 1;
  slash = memchr(at, '/', n - (size_t)(at - s));
  if (!slash || slash == at || (size_t)(s + n - slash) < 3 || slash[1] != 'i' || slash[2] != '-')
    return 0;
  n = (size_t)(s + n - (slash + 3));
  if (n != 8 && n != 17)
    return 0;
  for (k = 0; k < n && hex((unsigned char)slash[3 + k]); k++)
    ;
  return k == n;
}

/* One helper: its name, its C answer for a byte view (-1: ask Lua), and
 * whether that answer is yes/no (0/1, remembered for the last view) or a
 * key the function pushed (1; each asked once per event, not remembered). */
typedef struct helper_s {
  const char *name;
  int (*fn)(lua_State *L);
  int yes_no;
} helper_t;

static const helper_t helpers[] = {
    {"succeeded", succeeded, 1},
    {"is_aws_service", aws_service, 1},
    {"is_console", console, 1},
    {"is_instance_session", instance_session, 1},
    {"secret_target", secret_key, 0},
    {"parameter_target", parameter_key, 0},
};

/* The closure of a helper: its C answer, else the Lua function's. */
static int call(lua_State *L) {
  const helper_t *h = &helpers[lua_tointeger(L, lua_upvalueindex(UP_SPEC))];
  lua_Integer gen = (lua_Integer)vigil_lstate(L)->event_gen;
  int r;

  lua_settop(L, 1);
  /* The view itself is kept, as per_event kept it: while it is held, no
   * other view of the record can take its address. */
  if (h->yes_no && lua_rawequal(L, 1, lua_upvalueindex(UP_VIEW)) &&
      lua_tointeger(L, lua_upvalueindex(UP_GEN)) == gen) {
    lua_pushvalue(L, lua_upvalueindex(UP_ANS));
    return 1;
  }
  if ((r = h->fn(L)) < 0) {
    lua_settop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(UP_LUA));
    lua_insert(L, 1);
    lua_call(L, 1, 1);
    return 1;
  }
  if (!h->yes_no)
    return 1; /* the key fn pushed */
  lua_settop(L, 1);
  lua_pushvalue(L, 1);
  lua_replace(L, lua_upvalueindex(UP_VIEW));
  lua_pushinteger(L, gen);
  lua_replace(L, lua_upvalueindex(UP_GEN));
  lua_pushboolean(L, r);
  lua_replace(L, lua_upvalueindex(UP_ANS));
  lua_pushboolean(L, r);
  return 1;
}

/* native.X(lua_fn) -> the closure standing for lua_fn (upvalue 1 of the
 * constructor: X's entry in helpers[]) */
static int make(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_settop(L, 1);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_pushnil(L);
  lua_pushinteger(L, -1);
  lua_pushboolean(L, 0);
  lua_pushcclosure(L, call, NUP);
  return 1;
}

int vigil_open_native(lua_State *L) {
  size_t i;

  lua_createtable(L, 0, (int)(sizeof(helpers) / sizeof(helpers[0])));
  for (i = 0; i < sizeof(helpers) / sizeof(helpers[0]); i++) {
    lua_pushinteger(L, (lua_Integer)i);
    lua_pushcclosure(L, make, 1);
    lua_setfield(L, -2, helpers[i].name);
  }
  return 1;
}
