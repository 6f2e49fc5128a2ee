/*
 * Acknowledgements of one request's texts (ack = "delivered"). The host
 * acks each text on the loop thread once its alerts are with every sink or
 * the spool, possibly after the client hung up; so the ack argument is a
 * record of its own, not the connection. The connection lets go of it when
 * the request is answered or the connection closes; the last ack or the
 * letting go, whichever comes later, frees it.
 */
#include <stdlib.h>

#include "http_source.h"

vh_ack_t *vh_ack_new(vh_conn_t *c) {
  vh_ack_t *a = calloc(1, sizeof(*a));

  if (a != NULL)
    a->c = c;
  return a;
}

void vh_ack_detach(vh_conn_t *c) {
  vh_ack_t *a = c->ack;

  if (a == NULL)
    return;
  c->ack = NULL;
  a->c = NULL;
  if (a->pending == 0)
    free(a);
}

void vh_ack_cb(void *arg, int status) {
  vh_ack_t *a = arg;

  a->pending--;
  if (status != VIGIL_OK && a->status == VIGIL_OK)
    a->status = status;
  if (a->c == NULL) {
    if (a->pending == 0)
      free(a);
    return;
  }
  if (a->sealed && a->pending == 0)
    vh_request_acked(a->c);
}
