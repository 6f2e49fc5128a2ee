/*
 * The source side of the event path: emit() copies the bytes into the
 * source's open batch and returns. Nothing is parsed here, so a source
 * thread costs a memcpy per record and the scanning spreads over every
 * worker. A batch goes to the workers when full, when the source ends, or
 * from the loop's flush timer when the source has gone quiet.
 */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "log.h"
#include "pipeline_int.h"

static size_t pad8(size_t n) {
  return (n + 7u) & ~(size_t)7u;
}

/* A batch from the pipeline's pool when one of the standard size is
 * free, else a new one. */
static vigil_batch_t *batch_new(vigil_host_t *h, size_t cap) {
  vigil_pipeline_t *pl = h->pl;
  vigil_batch_t *b = NULL;

  if (cap == VIGIL_BATCH_CAP) {
    pthread_mutex_lock(&pl->pool_mu);
    if ((b = pl->pool)) {
      pl->pool = b->next;
      pl->npool--;
    }
    pthread_mutex_unlock(&pl->pool_mu);
  }
  if (!b && !(b = malloc(sizeof(*b) + cap)))
    return NULL;
  memset(b, 0, sizeof(*b));
  b->src = h;
  b->cap = cap;
  return b;
}

/* Room an entry takes: header, bytes and NUL, padded. */
static size_t entry_size(size_t len) {
  return sizeof(vigil_entry_t) + pad8(len + 1);
}

static void put(vigil_batch_t *b, const void *p, size_t len, uint32_t kind, uint64_t line,
                vigil_track_t *t) {
  vigil_entry_t *e = (vigil_entry_t *)(b->data + b->used);

  e->len = (uint32_t)len;
  e->kind = kind;
  e->line = line;
  e->track = t;
  memcpy(e + 1, p, len);
  ((char *)(e + 1))[len] = '\0';
  b->used += entry_size(len);
  if (kind == VIGIL_ENTRY_STREAM)
    b->stream = (const char *)(e + 1);
  else
    b->nrec++;
}

/* Bytes an emit adds: the record, and the stream name when it changed. */
static size_t need(const vigil_batch_t *b, const char *stream, size_t len) {
  size_t n = entry_size(len);

  if (!b || !b->stream || strcmp(b->stream, stream) != 0)
    n += entry_size(strlen(stream));
  return n;
}

/* Sends the open batch (caller holds h->bmu). -1 when nonblock and full. */
static int send_open(vigil_host_t *h, int nonblock) {
  vigil_batch_t *b = h->open;

  if (!b)
    return 0;
  if (b->nrec == 0) {
    h->open = NULL;
    vigil_batch_free(b);
    return 0;
  }
  if (vigil_sched_push(h->pl, b, nonblock) != 0)
    return -1;
  h->open = NULL;
  return 0;
}

void vigil_emit_flush(vigil_host_t *h, int nonblock) {
  if (nonblock) {
    if (pthread_mutex_trylock(&h->bmu) != 0)
      return; /* the source is emitting: its batch is not idle */
  } else {
    pthread_mutex_lock(&h->bmu);
  }
  if (send_open(h, nonblock) != 0 && !nonblock)
    vigil_error(h->name, "records of a batch arrived after shutdown; dropped");
  pthread_mutex_unlock(&h->bmu);
}

int vigil_emit(vigil_host_t *h, const void *data, size_t len, int lines,
               const vigil_position_t *pos, int nonblock, vigil_ack_cb ack, void *arg) {
  const char *stream = pos && pos->stream ? pos->stream : "";
  uint64_t line = pos && pos->line ? pos->line : 1;
  vigil_track_t *t = NULL;
  size_t n;
  int rc = VIGIL_OK;

  if (len > UINT32_MAX - 64)
    return VIGIL_EINVAL;
  pthread_mutex_lock(&h->bmu);
  n = need(h->open, stream, len);
  if (h->open && h->open->used + n > h->open->cap) {
    if (nonblock && vigil_sched_full(h->pl)) {
      rc = VIGIL_EAGAIN;
      goto out;
    }
    if (send_open(h, nonblock) != 0) {
      rc = atomic_load(&h->pl->closing) ? VIGIL_ECLOSED : VIGIL_EAGAIN;
      goto out;
    }
  }
  if (!h->open) {
    n = need(NULL, stream, len);
    /* A large document gets a batch of its own size. */
    h->open = batch_new(h, n > VIGIL_BATCH_CAP ? n : VIGIL_BATCH_CAP);
    if (!h->open) {
      rc = VIGIL_ENOMEM;
      goto out;
    }
    h->opened_ns = uv_hrtime();
  }
  if (ack && !(t = vigil_track_new(h, ack, arg))) {
    rc = VIGIL_ENOMEM;
    goto out;
  }
  if (!h->open->stream || strcmp(h->open->stream, stream) != 0)
    put(h->open, stream, strlen(stream), VIGIL_ENTRY_STREAM, 0, NULL);
  put(h->open, data, len, lines ? VIGIL_ENTRY_LINES : VIGIL_ENTRY_JSON, line, t);
  if (h->open->used + entry_size(0) * 2 >= h->open->cap && send_open(h, nonblock) != 0 &&
      !nonblock)
    rc = VIGIL_ECLOSED;
out:
  pthread_mutex_unlock(&h->bmu);
  return rc;
}
