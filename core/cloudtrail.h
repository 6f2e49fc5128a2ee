/* What the core knows about CloudTrail records beyond their JSON. */
#ifndef VIGIL_CLOUDTRAIL_H
#define VIGIL_CLOUDTRAIL_H

#include <stddef.h>
#include <stdint.h>

#include "jdoc.h"

/*
 * Read from the record in doc (core/jdoc.h); the strings live until the
 * doc's next reset. The acting principal, the same way vigil.aws.actor()
 * in Lua names it: userIdentity.arn, else .invokedBy, else .userName,
 * else .onBehalfOf.userId (Identity Center users), else .principalId,
 * else "unknown".
 */
const char *vigil_ct_actor_doc(vigil_jdoc_t *doc);

/* recipientAccountId, else userIdentity.accountId; NULL when neither. */
const char *vigil_ct_account_doc(vigil_jdoc_t *doc);

/* eventTime (or Logstash's @timestamp) as text; NULL when absent. */
const char *vigil_ct_time_doc(vigil_jdoc_t *doc);

/* Parses an ISO-8601 UTC time ("2023-07-10T11:45:12Z", optional fraction)
 * into Unix epoch milliseconds. Returns 0 on success, -1 otherwise. */
int vigil_parse_time(const char *s, int64_t *ms);

/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" for ms into out (at least 32 bytes). */
void vigil_format_time(int64_t ms, char *out, size_t cap);

#endif
