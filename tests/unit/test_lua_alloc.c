/*
 * The Lua states' small-block pool (core/lua_alloc.c): realloc's contract
 * across classes and to and from malloc'd sizes (contents kept up to the
 * smaller size), freed blocks reused by their class, at most
 * VIGIL_POOL_KEEP bytes kept, nothing kept once closing; and a Lua state
 * running on it (tables and strings of every size made and collected).
 */
#include "test_unit_util.h"

#include <lauxlib.h>

#include "lua_alloc.h"
#include "lua_state.h"

static void fill(unsigned char *b, size_t n, unsigned seed) {
  size_t i;

  for (i = 0; i < n; i++)
    b[i] = (unsigned char)(seed + i * 7);
}

static int holds(const unsigned char *b, size_t n, unsigned seed) {
  size_t i;

  for (i = 0; i < n; i++) {
    if (b[i] != (unsigned char)(seed + i * 7))
      return 0;
  }
  return 1;
}

/* Every size pair from 1 to 300 bytes and a few large ones, both ways. */
static void realloc_keeps_contents(void **state) {
  static const size_t big[] = {257, 1000, 4096, 70000};
  vigil_pool_t p = {{0}, 0, 0};
  size_t sizes[300 + 4];
  size_t ns = 0;
  size_t i;
  size_t j;
  unsigned char *b;

  (void)state;
  for (i = 1; i <= 300; i += 7)
    sizes[ns++] = i;
  for (i = 0; i < 4; i++)
    sizes[ns++] = big[i];
  for (i = 0; i < ns; i++) {
    for (j = 0; j < ns; j++) {
      b = vigil_pool_realloc(&p, NULL, 0, sizes[i]);
      assert_non_null(b);
      fill(b, sizes[i], (unsigned)(i + j));
      b = vigil_pool_realloc(&p, b, sizes[i], sizes[j]);
      assert_non_null(b);
      assert_true(holds(b, sizes[i] < sizes[j] ? sizes[i] : sizes[j], (unsigned)(i + j)));
      fill(b, sizes[j], 1); /* the whole new size is writable (ASan) */
      vigil_pool_free(&p, b, sizes[j]);
    }
  }
  vigil_pool_fini(&p);
}

static void classes_reused_and_bounded(void **state) {
  vigil_pool_t p = {{0}, 0, 0};
  void *a;
  void *b;
  void *c;
  size_t n = 0;
  void **many;

  (void)state;
  a = vigil_pool_realloc(&p, NULL, 0, 40);
  vigil_pool_free(&p, a, 40);
#if !defined(__SANITIZE_ADDRESS__)
  /* 33..48 bytes share a class: the freed block comes back, last in first out */
  assert_int_equal(p.kept, 48);
  b = vigil_pool_realloc(&p, NULL, 0, 33);
  assert_ptr_equal(b, a);
  assert_int_equal(p.kept, 0);
  /* growing within the class keeps the block; past it moves it */
  assert_ptr_equal(vigil_pool_realloc(&p, b, 33, 48), b);
  c = vigil_pool_realloc(&p, b, 48, 49);
  assert_true(c != b);
  assert_int_equal(p.kept, 48); /* the old block went back */
  vigil_pool_free(&p, c, 49);
  /* no more than VIGIL_POOL_KEEP bytes wait on the lists */
  many = calloc(VIGIL_POOL_KEEP / 256 + 100, sizeof(void *));
  assert_non_null(many);
  for (n = 0; n < VIGIL_POOL_KEEP / 256 + 100; n++)
    assert_non_null(many[n] = vigil_pool_realloc(&p, NULL, 0, 256));
  while (n-- > 0)
    vigil_pool_free(&p, many[n], 256);
  assert_true(p.kept <= VIGIL_POOL_KEEP);
  assert_true(p.kept > VIGIL_POOL_KEEP - 256 - 48 - 64);
  free(many);
#else
  (void)b;
  (void)c;
  (void)n;
  (void)many;
  assert_int_equal(p.kept, 0); /* nothing kept under ASan */
#endif
  vigil_pool_fini(&p);
  assert_int_equal(p.kept, 0);
  a = vigil_pool_realloc(&p, NULL, 0, 16);
  vigil_pool_free(&p, a, 16); /* closing: freed at once */
  assert_int_equal(p.kept, 0);
}

/* A sandboxed state on the pool: garbage of every size, collected. */
static void lua_state_on_the_pool(void **state) {
  static const char code[] =
      "local keep = {}\n"
      "for i = 1, 20000 do\n"
      "  local t = { i, tostring(i), string.rep('x', i % 600) }\n"
      "  if i % 97 == 0 then keep[#keep + 1] = t end\n"
      "end\n"
      "local n = 0\n"
      "for _, t in ipairs(keep) do n = n + #t[3] + t[1] end\n"
      "return n\n";
  char err[256];
  lua_State *L = vigil_lstate_new(NULL, 0, err, sizeof(err));
  lua_Integer want = 0;
  int i;

  (void)state;
  assert_non_null(L);
  for (i = 97; i <= 20000; i += 97)
    want += i % 600 + i;
  assert_int_equal(luaL_loadstring(L, code), LUA_OK);
  assert_int_equal(lua_pcall(L, 0, 1, 0), LUA_OK);
  assert_int_equal(lua_tointeger(L, -1), want);
  lua_pop(L, 1);
  lua_gc(L, LUA_GCCOLLECT);
  vigil_lstate_close(L);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(realloc_keeps_contents),
      cmocka_unit_test(classes_reused_and_bounded),
      cmocka_unit_test(lua_state_on_the_pool),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
