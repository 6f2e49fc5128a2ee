"""Claims that a vigil rule covers a peer rule's detection intent.

A claim file (tests/peer/intents/*.tsv) holds one claim a line, three or
four fields separated by tabs:

    panther  AWS.CloudTrail.Stopped            aws.cloudtrail.stop_logging,aws.cloudtrail.delete_trail
    sigma    4db60cc0-36fb-42b7-9b58-a5b53019fb74  aws.cloudtrail.stop_logging
    panther  Standard.GreyNoiseV3.MaliciousIP  -  needs a threat-intel feed vigil does not have

The third field lists vigil rule ids (commas, no spaces needed), or "-" for
a gap the team decided to keep; the optional fourth field says why. Blank
lines and lines starting with "#" are ignored. Several lines for one peer
rule add up. Errors name file:line.
"""

import os

KINDS = ("panther", "sigma")


class Claims:
    """Every claim, merged by (kind, peer id)."""

    def __init__(self):
        self.rules = {}      # (kind, peer id) -> set of vigil ids
        self.declined = {}   # (kind, peer id) -> reason
        self.where = {}      # (kind, peer id) -> first "file:line"
        self.errors = []

    def covered(self, kind, peer_id):
        return sorted(self.rules.get((kind, peer_id), ()))

    def files(self):
        return sorted({w.rsplit(":", 1)[0] for w in self.where.values()})


def _parse_line(claims, where, line):
    fields = [f.strip() for f in line.split("\t")]
    if len(fields) not in (3, 4) or not all(fields[:3]):
        claims.errors.append(f"{where}: expected KIND<TAB>PEER-ID<TAB>VIGIL-IDS[<TAB>NOTE], "
                             f"got {line!r}")
        return
    kind, peer_id, ids = fields[:3]
    if kind not in KINDS:
        claims.errors.append(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
        return
    key = (kind, peer_id)
    claims.where.setdefault(key, where)
    if ids == "-":
        if key in claims.rules:
            claims.errors.append(f"{where}: {peer_id} is declined here but claimed at "
                                 f"{claims.where[key]}")
        claims.declined[key] = fields[3] if len(fields) == 4 else ""
        return
    if key in claims.declined:
        claims.errors.append(f"{where}: {peer_id} is claimed here but declined at "
                             f"{claims.where[key]}")
    names = [i.strip() for i in ids.split(",") if i.strip()]
    claims.rules.setdefault(key, set()).update(names)


def load(folder):
    """Reads every *.tsv in folder (sorted). A missing folder has no claims."""
    claims = Claims()
    if not os.path.isdir(folder):
        return claims
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".tsv"):
            continue
        path = os.path.join(folder, name)
        with open(path, encoding="utf-8") as f:
            for n, raw in enumerate(f, 1):
                line = raw.rstrip("\r\n")
                if line.strip() and not line.lstrip().startswith("#"):
                    _parse_line(claims, f"{path}:{n}", line)
    return claims


def validate(claims, panther_ids, sigma_ids, vigil_ids):
    """Adds an error for every claim naming an unknown peer rule or vigil rule."""
    known = {"panther": panther_ids, "sigma": sigma_ids}
    for key in sorted(set(claims.rules) | set(claims.declined)):
        kind, peer_id = key
        if peer_id not in known[kind]:
            claims.errors.append(f"{claims.where[key]}: no {kind} rule {peer_id!r} in the "
                                 f"peer cases")
        for vid in sorted(claims.rules.get(key, ())):
            if vid not in vigil_ids:
                claims.errors.append(f"{claims.where[key]}: {peer_id} is claimed by "
                                     f"{vid!r}, which is not a loaded vigil rule")
