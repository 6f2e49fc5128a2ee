#include "json_arena.h"

#include <stdint.h>
#include <stdlib.h>

/* One chunk is kept and reused event after event; the extra chunks a big
 * record needed are freed when its event ends, so a thread keeps 64 KiB. */
#define CHUNK_BYTES (64u * 1024u)
#define ALIGN 16u

typedef struct chunk_s {
  struct chunk_s *next;
  char *cur;
  char *end;
  char data[];
} chunk_t;

typedef struct arena_s {
  chunk_t *head;   /* the chunk being filled; older ones follow */
  int parsing;     /* inside vigil_json_event_parse */
} arena_t;

static _Thread_local arena_t arena;
static int installed;

static chunk_t *chunk_new(size_t need, chunk_t *next) {
  size_t size = need > CHUNK_BYTES ? need : CHUNK_BYTES;
  chunk_t *c = malloc(sizeof(*c) + size);

  if (!c)
    return NULL;
  c->next = next;
  c->cur = c->data;
  c->end = c->data + size;
  return c;
}

static void *arena_alloc(size_t size) {
  size_t need = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
  chunk_t *c = arena.head;
  void *p;

  if (!c || (size_t)(c->end - c->cur) < need) {
    c = chunk_new(need, c);
    if (!c)
      return NULL; /* cJSON reports the parse as failed */
    arena.head = c;
  }
  p = c->cur;
  c->cur += need;
  return p;
}

static int in_arena(const void *p) {
  const chunk_t *c;

  for (c = arena.head; c; c = c->next) {
    if ((const char *)p >= c->data && (const char *)p < c->end)
      return 1;
  }
  return 0;
}

static void *hook_malloc(size_t size) {
  return arena.parsing ? arena_alloc(size) : malloc(size);
}

static void hook_free(void *p) {
  if (p && arena.head && in_arena(p))
    return; /* dropped with the whole arena */
  free(p);
}

void vigil_json_arena_install(void) {
  cJSON_Hooks hooks = {hook_malloc, hook_free};

  cJSON_InitHooks(&hooks);
  installed = 1;
}

cJSON *vigil_json_event_parse(const char *json, size_t len) {
  cJSON *tree;

  if (!installed)
    return cJSON_ParseWithLength(json, len);
  arena.parsing = 1;
  tree = cJSON_ParseWithLength(json, len);
  arena.parsing = 0;
  return tree;
}

/* Keeps one standard chunk, emptied; frees the others. */
static void reset(void) {
  chunk_t *keep = NULL;
  chunk_t *c;
  chunk_t *next;

  for (c = arena.head; c; c = next) {
    next = c->next;
    if (!keep && (size_t)(c->end - c->data) == CHUNK_BYTES) {
      keep = c;
      continue;
    }
    free(c);
  }
  if (keep) {
    keep->next = NULL;
    keep->cur = keep->data;
  }
  arena.head = keep;
}

void vigil_json_event_free(cJSON *tree) {
  if (!installed) {
    cJSON_Delete(tree);
    return;
  }
  reset(); /* every node of tree is in the arena */
}

void vigil_json_arena_release(void) {
  chunk_t *c;

  while ((c = arena.head)) {
    arena.head = c->next;
    free(c);
  }
}
