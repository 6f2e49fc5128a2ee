#include "lua_alloc.h"

#include <stdlib.h>
#include <string.h>

/* Class of a size in 1..VIGIL_POOL_MAX, and the block size it stands for. */
static size_t class_of(size_t size) {
  return (size - 1) >> 4;
}

static void *take(vigil_pool_t *p, size_t size) {
  size_t c = class_of(size);
  void *b = p->free[c];

  if (!b)
    return malloc((c + 1) << 4);
  memcpy(&p->free[c], b, sizeof(void *)); /* the next block, kept in its first bytes */
  p->kept -= (c + 1) << 4;
  return b;
}

void vigil_pool_free(vigil_pool_t *p, void *ptr, size_t size) {
  size_t c;

  if (size > VIGIL_POOL_MAX || p->kept + size > VIGIL_POOL_KEEP || p->closing) {
    free(ptr);
    return;
  }
  c = class_of(size);
  memcpy(ptr, &p->free[c], sizeof(void *));
  p->free[c] = ptr;
  p->kept += (c + 1) << 4;
}

void *vigil_pool_realloc(vigil_pool_t *p, void *ptr, size_t osize, size_t nsize) {
  void *b;

  if (!ptr)
    return nsize <= VIGIL_POOL_MAX ? take(p, nsize) : malloc(nsize);
  if (osize > VIGIL_POOL_MAX && nsize > VIGIL_POOL_MAX)
    return realloc(ptr, nsize);
  if (osize <= VIGIL_POOL_MAX && nsize <= VIGIL_POOL_MAX && class_of(osize) == class_of(nsize))
    return ptr; /* the block is already that big */
  /* Between classes, or between a class and malloc: a new block. */
  if (!(b = nsize <= VIGIL_POOL_MAX ? take(p, nsize) : malloc(nsize)))
    return nsize < osize ? ptr : NULL; /* a shrink may keep the bigger block */
  memcpy(b, ptr, osize < nsize ? osize : nsize);
  vigil_pool_free(p, ptr, osize);
  return b;
}

void vigil_pool_fini(vigil_pool_t *p) {
  void *b;
  size_t c;

  for (c = 0; c < VIGIL_POOL_MAX / 16; c++) {
    while ((b = p->free[c])) {
      memcpy(&p->free[c], b, sizeof(void *));
      free(b);
    }
  }
  p->kept = 0;
  p->closing = 1;
}
