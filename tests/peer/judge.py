"""How one Panther test case is judged against what vigil did with its event.

The rules of judgement follow ../shared/data/peer-cases/README.md: a case is
judged by detection intent (the vigil rules claimed for its Panther rule),
per event, with Panther's dedup, threshold and create_alert not applied.
Some cases cannot be judged without context vigil does not have; they get a
class of their own instead of a pass or a fail (docs/coverage.md lists them).
"""

import copy

# Verdicts. Only AGREE, DISAGREE and ERROR count as judged.
AGREE = "agree"
DISAGREE = "DISAGREE"
ERROR = "ERROR"
NOT_COVERED = "not covered"
DECLINED = "declined"
ENRICHMENT = "needs enrichment"
CONTEXT = "context required"
STATEFUL = "stateful: not judged"
JUDGED = (AGREE, DISAGREE, ERROR)

ENRICHMENT_QUIRKS = ("panther_enrichment", "no_eventName")

# Time given to a case without eventTime: vigil only takes a record with one
# for CloudTrail, and no Panther rule in the set reads it.
DEFAULT_TIME = "2024-01-01T00:00:00Z"

# CloudTrail's spelling of the field names some Panther tests write in
# lowercase (Panther looks fields up case-insensitively). Top level and the
# userIdentity subtree; service-specific requestParameters are left alone.
CLOUDTRAIL_KEYS = {k.lower(): k for k in (
    "eventVersion userIdentity eventTime eventSource eventName awsRegion sourceIPAddress "
    "userAgent errorCode errorMessage requestParameters responseElements "
    "additionalEventData requestID eventID readOnly resources eventType apiVersion "
    "managementEvent recipientAccountId serviceEventDetails sharedEventID vpcEndpointId "
    "vpcEndpointAccountId eventCategory tlsDetails sessionCredentialFromConsole "
    "type principalId arn accountId accessKeyId userName sessionContext invokedBy "
    "identityProvider credentialId onBehalfOf attributes sessionIssuer "
    "webIdFederationData sourceIdentity creationDate mfaAuthenticated").split()}
RECASE_INTO = ("userIdentity", "sessionContext", "attributes", "sessionIssuer")


# Panther rules whose check_account_age lookup raises the alert: they fire
# when an account named in the event is new. (Elsewhere, as in
# AWS.Console.LoginWithoutMFA, a new entity is exempted instead.)
AGE_ALERTS = {
    # the accounts an AMI's launch permission is given to
    "AWS.CloudTrail.AMIModifiedForPublicAccess":
        lambda ev: [i.get("userId") for i in
                    (((ev.get("requestParameters") or {}).get("launchPermission") or {})
                     .get("add") or {}).get("items") or [] if i.get("userId")],
}


def neutral_mock(case, mock):
    """Why a mocked helper cannot change the verdict for vigil, or None.

    Checked against the Panther rules at the commit the cases come from."""
    rule_id = case["rule_id"]
    name, value = mock.get("objectName"), mock.get("returnValue")
    if name == "put_string_set":
        return "writes Panther's cache; rule() never reads what it wrote"
    if name == "geoinfo_from_ip" and rule_id.startswith("Standard.BruteForceBy"):
        return "only decorates the alert; rule() does not call it"
    if name == "check_account_age" and str(value).lower() in ("false", ""):
        if rule_id in AGE_ALERTS:
            # "Not new" silences an account Panther would otherwise weigh;
            # vigil has no account ages (its rule has a trusted-accounts
            # list instead), so the lookup decides whenever one is named.
            if AGE_ALERTS[rule_id](case.get("event") or {}):
                return None
            return "no account is named, so the lookup is never made"
        return ("says the entity is not new, so nothing is exempted as new, which "
                "is what a pack without account-age data assumes")
    return None


def special_class(case):
    """ENRICHMENT or CONTEXT when the case cannot be judged; else None."""
    if any(q in case["log_quirks"] for q in ENRICHMENT_QUIRKS):
        return ENRICHMENT
    if case["has_mocks"] and any(neutral_mock(case, m) is None for m in case["mocks"]):
        return CONTEXT
    return None


def _recase(obj):
    out = {}
    for k, v in obj.items():
        key = CLOUDTRAIL_KEYS.get(k, k)
        if key != k and key in obj:  # both spellings present: keep both as written
            key = k
        if key in RECASE_INTO and isinstance(v, dict):
            v = _recase(v)
        out[key] = v
    return out


def prepare(case):
    """The event vigil gets and notes on what was changed. None when there is
    no eventName to give (such cases are ENRICHMENT)."""
    event = copy.deepcopy(case["event"])
    notes = []
    if "lowercase_field_names" in case["log_quirks"]:
        event = _recase(event)
        notes.append("lowercase keys recased")
    if not event.get("eventName"):
        return None, notes
    if "eventTime" not in event:
        event["eventTime"] = event.get("p_event_time") or DEFAULT_TIME
        notes.append("eventTime supplied")
    if "eventSource" not in event:
        notes.append("no eventSource")
    return event, notes


def verdict(case, claimed, outcome):
    """(verdict, ours) for a case. claimed: vigil ids for its intent (empty
    when uncovered); outcome: what one scan of its event gave, or None when
    it was not scanned. ours says what the claimed rules did."""
    fired = sorted(set(claimed) & outcome.alerts) if outcome else []
    matched = []
    if outcome and outcome.matches is not None:
        matched = sorted(r for r in claimed if outcome.matches.get(r, 0) > 0)
    ours = ",".join(fired) or "-"
    silent_matches = [r for r in matched if r not in fired]
    if silent_matches:
        ours += " (matched, no alert: " + ",".join(silent_matches) + ")"
    if not claimed:
        return NOT_COVERED, ours
    cls = special_class(case)
    if cls:
        return cls, ours
    if outcome is None or outcome.failed:
        return ERROR, (outcome.failed if outcome else "not scanned")
    errs = sorted(r for r in claimed if outcome.errors.get(r, 0) > 0)
    if errs:
        return ERROR, "rule error in " + ",".join(errs)
    if case["threshold"] > 1 or not case.get("create_alert", True):
        # Panther counts N matches before alerting, or records the match as a
        # signal without an alert: compare the per-event match (our
        # counterpart may be a burst rule that alerts later). Without a
        # matches count, only an alert proves a match.
        if outcome.matches is None and not fired:
            return STATEFUL, ours
        hit = bool(fired or matched)
    else:
        hit = bool(fired)
    return (AGREE if hit == case["expected"] else DISAGREE), ours
