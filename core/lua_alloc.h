/*
 * Small blocks for one Lua state, kept for reuse. Rules allocate and drop
 * many small objects per event (strings, tables, byte views); glibc's
 * malloc, realloc and free on each cost more than the rule code around
 * them. A state is used by one thread at a time, so its pool needs no lock.
 *
 * Blocks up to VIGIL_POOL_MAX bytes come in 16-byte classes; the block's
 * class follows from the size the caller gives back (Lua passes every
 * block's size to its allocator), so blocks carry no header. Freed blocks
 * wait on their class's list up to VIGIL_POOL_KEEP bytes in all (1 MiB:
 * with 4 MiB, 2 workers' peak RSS at 10M records rose 1.3 MB over 1M's,
 * for no fewer instructions); larger blocks go to malloc directly.
 */
#ifndef VIGIL_LUA_ALLOC_H
#define VIGIL_LUA_ALLOC_H

#include <stddef.h>

#define VIGIL_POOL_MAX 256
/* Under AddressSanitizer nothing is kept, so a block used after Lua freed
 * it is still reported. */
#if defined(__SANITIZE_ADDRESS__)
#define VIGIL_POOL_KEEP 0u
#else
#define VIGIL_POOL_KEEP (1u << 20)
#endif

typedef struct vigil_pool_s {
  void *free[VIGIL_POOL_MAX / 16];
  size_t kept; /* bytes on the lists */
  int closing;  /* the state is being closed: nothing more is kept */
} vigil_pool_t;

/* realloc's contract for a block of osize bytes (ptr NULL: a new one) made
 * nsize (> 0) bytes: NULL when out of memory, ptr then untouched. */
void *vigil_pool_realloc(vigil_pool_t *p, void *ptr, size_t osize, size_t nsize);

/* Gives back a block of size bytes (ptr not NULL). */
void vigil_pool_free(vigil_pool_t *p, void *ptr, size_t size);

/* Frees the kept blocks; blocks given back after this are freed at once
 * (set it before lua_close, which gives back every block). */
void vigil_pool_fini(vigil_pool_t *p);

#endif
