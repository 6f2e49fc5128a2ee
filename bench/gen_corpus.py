#!/usr/bin/env python3
"""Synthetic CloudTrail corpus for bench/run, for machines without the
shared real logs. Standard library only; the same --seed gives the same
bytes.

Records look like real management and data events (about 1.5 KB each):
IAM users, assumed roles with session context, AWS services acting for an
account; a read-heavy mix of eventNames (Describe*, Get*, List*, KMS,
STS, S3 data events) with a small share of the IAM and CloudTrail calls the
shipped rules index, some of them failed. Values are nested
(requestParameters with arrays of objects, responseElements) and some
strings need escapes (policy documents as JSON text, quotes and non-ASCII
in names). A few requestParameters hold decoys a careless scanner would
take for the top-level eventName.

Output, the layout tools/make_bench_corpus.py uses, so bench/run reads both:
  OUT/ndjson/cloudtrail_bench.ndjson     one record per line
  OUT/s3/AWSLogs/<acct>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<file>.json.gz
                                         {"Records": [...]}, ~1000 each
  OUT/manifest.json                      parameters and per-eventName counts
"""
import argparse
import datetime as dt
import gzip
import json
import os
import random
import sys
import uuid

ACCOUNTS = ["111122223333", "444455556666", "777788889999"]
REGIONS = ["us-east-1", "us-east-1", "us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"]
AGENTS = [
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0-18-cloud-amd64 exe/x86_64.debian.12 prompt/off "
    "command/{cmd}",
    "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.210-201.852.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69",
    "aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 "
    "api/{svc}#1.30.2",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/123.0.0.0 Safari/537.36",
    "terraform-provider-aws/5.42.0 (+https://registry.terraform.io) "
    "aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1",
]
PEOPLE = ["alice", "bob", "carol.diaz", "d\u00e9sir\u00e9e", "erik", "fatima", "g\"quoted\"",
          "hiro", "ivana", "jamal", "kim", "luis", "mei", "noor", "olaf", "priya"]
ROLES = ["ci-deploy", "prod-orders-api", "AWSReservedSSO_AdministratorAccess_3f1c2b9e",
         "lambda-thumbnailer", "eks-nodegroup-default", "backup-operator", "data-pipeline",
         "readonly-auditor", "OrganizationAccountAccessRole", "karpenter-controller"]
SERVICES = ["cloudformation.amazonaws.com", "lambda.amazonaws.com", "ec2.amazonaws.com",
            "config.amazonaws.com", "autoscaling.amazonaws.com"]
POLICIES = ["arn:aws:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/ReadOnlyAccess",
            "arn:aws:iam::aws:policy/AmazonS3FullAccess",
            "arn:aws:iam::{acct}:policy/DenyS3DeleteGuardrail",
            "arn:aws:iam::{acct}:policy/ci-deploy-permissions"]


class Gen:
    """One generator: a seeded random source and the principals it picks."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.principals = [self.principal(i) for i in range(240)]
        # Heavy-tailed like real trails: a few automation roles do most calls.
        self.weights = [1.0 / (i + 1) ** 0.7 for i in range(len(self.principals))]

    def hexid(self, n, alphabet="0123456789abcdef"):
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def key_id(self, prefix):
        return prefix + self.hexid(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    def principal(self, i):
        acct = ACCOUNTS[i % len(ACCOUNTS)]
        kind = self.rng.choices(["AssumedRole", "IAMUser", "AWSService", "Root"],
                                [70, 22, 7, 1])[0]
        if kind == "IAMUser":
            name = self.rng.choice(PEOPLE) + ("" if i < 40 else str(i))
            return {"type": "IAMUser", "principalId": self.key_id("AIDA"),
                    "arn": f"arn:aws:iam::{acct}:user/{name}", "accountId": acct,
                    "accessKeyId": self.key_id("AKIA"), "userName": name}
        if kind == "AWSService":
            return {"type": "AWSService", "invokedBy": self.rng.choice(SERVICES)}
        if kind == "Root":
            return {"type": "Root", "principalId": acct, "arn": f"arn:aws:iam::{acct}:root",
                    "accountId": acct, "accessKeyId": self.key_id("ASIA")}
        role = self.rng.choice(ROLES)
        session = self.rng.choice(PEOPLE + ["i-" + self.hexid(17), "botocore-session-"
                                            + str(1700000000 + i)])
        role_id = self.key_id("AROA")
        return {"type": "AssumedRole", "principalId": f"{role_id}:{session}",
                "arn": f"arn:aws:sts::{acct}:assumed-role/{role}/{session}",
                "accountId": acct, "accessKeyId": self.key_id("ASIA"),
                "sessionContext": {
                    "sessionIssuer": {"type": "Role", "principalId": role_id,
                                      "arn": f"arn:aws:iam::{acct}:role/{role}",
                                      "accountId": acct, "userName": role},
                    "webIdFederationData": {},
                    "attributes": {"creationDate": "", "mfaAuthenticated": "false"}}}

    def ip(self):
        return "%d.%d.%d.%d" % (self.rng.choice([3, 18, 34, 52, 54, 198, 203]),
                                self.rng.randrange(256), self.rng.randrange(256),
                                self.rng.randrange(1, 255))


# --- The event catalogue: (weight, eventSource, eventName, builder) ----------
# A builder gets the generator and a context dict (acct, region, who) and
# returns (requestParameters, responseElements, extra top-level fields).

def _filters(g):
    names = ["vpc-id", "tag:Name", "instance-state-name", "group-name", "availability-zone"]
    return {"items": [{"name": g.rng.choice(names),
                       "valueSet": {"items": [{"value": "prod-" + g.hexid(6)}]}}
                      for _ in range(g.rng.randint(0, 3))]}


def ec2_describe(kind):
    def build(g, c):
        req = {"filterSet": _filters(g)}
        if kind == "instances":
            req["instancesSet"] = {"items": [{"instanceId": "i-" + g.hexid(17)}
                                             for _ in range(g.rng.randint(0, 4))]}
        elif kind == "groups":
            req["securityGroupSet"] = {}
            req["securityGroupIdSet"] = {"items": [{"groupId": "sg-" + g.hexid(17)}]}
        else:
            req[kind + "Set"] = {}
        return req, None, {}
    return build


def s3_object(write):
    def build(g, c):
        bucket = f"{c['acct']}-{g.rng.choice(['logs', 'artifacts', 'uploads', 'backups'])}"
        key = "/".join(["data", g.hexid(2), g.hexid(8), "part-%05d.parquet"
                        % g.rng.randrange(99999)])
        req = {"bucketName": bucket, "Host": f"{bucket}.s3.{c['region']}.amazonaws.com",
               "key": key}
        extra = {
            "additionalEventData": {
                "SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                "bytesTransferredIn": g.rng.randrange(40000) if write else 0,
                "AuthenticationMethod": "AuthHeader",
                "x-amz-id-2": g.hexid(76, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789+/"),
                "bytesTransferredOut": 0 if write else g.rng.randrange(900000)},
            "resources": [
                {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"},
                {"accountId": c["acct"], "type": "AWS::S3::Bucket",
                 "ARN": f"arn:aws:s3:::{bucket}"}],
            "eventCategory": "Data", "managementEvent": False, "readOnly": not write}
        resp = {"x-amz-server-side-encryption": "aws:kms"} if write else None
        return req, resp, extra
    return build


def kms_call(g, c):
    key = f"arn:aws:kms:{c['region']}:{c['acct']}:key/{g.uuid()}"
    req = {"encryptionContext": {"aws:s3:arn": f"arn:aws:s3:::{c['acct']}-uploads/"
                                 + g.hexid(12)},
           "encryptionAlgorithm": "SYMMETRIC_DEFAULT"}
    extra = {"resources": [{"accountId": c["acct"], "type": "AWS::KMS::Key", "ARN": key}]}
    return req, None, extra


def sts_assume(g, c):
    role = g.rng.choice(ROLES)
    session = g.rng.choice(PEOPLE) + "-" + g.hexid(6)
    req = {"roleArn": f"arn:aws:iam::{c['acct']}:role/{role}", "roleSessionName": session,
           "durationSeconds": 3600}
    resp = {"credentials": {"accessKeyId": g.key_id("ASIA"),
                            "sessionToken": g.hexid(360, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                         "abcdefghijklmnopqrstuvwxyz0123456789/+"),
                            "expiration": "Jan 1, 2024, 1:00:00 AM"},
            "assumedRoleUser": {"assumedRoleId": g.key_id("AROA") + ":" + session,
                                "arn": f"arn:aws:sts::{c['acct']}:assumed-role/{role}/{session}"}}
    extra = {"resources": [{"ARN": req["roleArn"], "accountId": c["acct"],
                            "type": "AWS::IAM::Role"}]}
    return req, resp, extra


def simple(fields):
    """requestParameters with a few named values; '{acct}' etc. filled in."""
    def build(g, c):
        req = {}
        for k, v in fields.items():
            req[k] = v.format(acct=c["acct"], region=c["region"], hex=g.hexid(8),
                              who=g.rng.choice(PEOPLE), role=g.rng.choice(ROLES))
        return req, None, {}
    return build


def lookup_events(g, c):
    # A decoy: these attribute values name indexed calls, one level down.
    name = g.rng.choice(["DeleteTrail", "StopLogging", "CreateUser"])
    return {"lookupAttributes": [{"attributeKey": "EventName", "attributeValue": name}],
            "maxResults": 50, "eventName": name}, None, {}


def put_rule(g, c):
    # A decoy inside an escaped string: an EventBridge pattern on eventName.
    pattern = {"source": ["aws.iam"], "detail-type": ["AWS API Call via CloudTrail"],
               "detail": {"eventName": ["CreateUser", "AttachUserPolicy"]}}
    req = {"name": "watch-iam-" + g.hexid(4), "eventPattern": json.dumps(pattern),
           "state": "ENABLED", "description": "alert on \"risky\" IAM calls\tv2"}
    return req, {"ruleArn": f"arn:aws:events:{c['region']}:{c['acct']}:rule/{req['name']}"}, {}


def put_role_policy(g, c):
    doc = {"Version": "2012-10-17",
           "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                          "Resource": f"arn:aws:s3:::{c['acct']}-artifacts/*"},
                         {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]}
    return {"roleName": g.rng.choice(ROLES), "policyName": "inline-" + g.hexid(5),
            "policyDocument": json.dumps(doc, indent=4)}, None, {}


def console_login(g, c):
    ok = g.rng.random() < 0.9
    extra = {"additionalEventData": {"LoginTo": "https://console.aws.amazon.com/console/"
                                     "home?state=hashArgs%23&isauthcode=true",
                                     "MobileVersion": "No", "MFAUsed": "Yes"},
             "eventType": "AwsConsoleSignIn", "readOnly": False}
    return None, {"ConsoleLogin": "Success" if ok else "Failure"}, extra


def iam_change(fields, resp=None):
    """An indexed IAM or CloudTrail call: sometimes done, sometimes denied."""
    inner = simple(fields)

    def build(g, c):
        req, _, extra = inner(g, c)
        if g.rng.random() < 0.2:
            extra["errorCode"] = "AccessDenied"
            extra["errorMessage"] = (f"User: {c['who'].get('arn', 'unknown')} is not "
                                     "authorized to perform this action because no "
                                     "identity-based policy allows the \"iam:*\" action")
            return req, None, extra
        return req, resp(g, c) if resp else None, extra
    return build


def _new_key(g, c):
    return {"accessKey": {"accessKeyId": g.key_id("AKIA"), "status": "Active",
                          "userName": g.rng.choice(PEOPLE), "createDate": "Jan 1, 2024"}}


IAM = "iam.amazonaws.com"
TRAIL = "cloudtrail.amazonaws.com"
CATALOGUE = [
    (9.0, "kms.amazonaws.com", "Decrypt", kms_call),
    (4.0, "kms.amazonaws.com", "GenerateDataKey", kms_call),
    (8.0, "s3.amazonaws.com", "GetObject", s3_object(False)),
    (4.0, "s3.amazonaws.com", "PutObject", s3_object(True)),
    (3.0, "s3.amazonaws.com", "HeadObject", s3_object(False)),
    (6.0, "sts.amazonaws.com", "AssumeRole", sts_assume),
    (3.0, "sts.amazonaws.com", "GetCallerIdentity", simple({})),
    (6.0, "ec2.amazonaws.com", "DescribeInstances", ec2_describe("instances")),
    (3.0, "ec2.amazonaws.com", "DescribeSecurityGroups", ec2_describe("groups")),
    (2.5, "ec2.amazonaws.com", "DescribeVpcs", ec2_describe("vpc")),
    (2.5, "ec2.amazonaws.com", "DescribeSubnets", ec2_describe("subnet")),
    (2.0, "ec2.amazonaws.com", "DescribeRouteTables", ec2_describe("routeTableId")),
    (5.0, "ssm.amazonaws.com", "GetParameter",
     simple({"name": "/prod/{role}/db-password", "withDecryption": "true"})),
    (2.0, "ssm.amazonaws.com", "DescribeInstanceInformation", simple({"maxResults": "50"})),
    (4.0, "secretsmanager.amazonaws.com", "GetSecretValue",
     simple({"secretId": "arn:aws:secretsmanager:{region}:{acct}:secret:prod/{role}-{hex}"})),
    (3.0, IAM, "GetRole", simple({"roleName": "{role}"})),
    (2.0, IAM, "ListAttachedRolePolicies", simple({"roleName": "{role}"})),
    (2.0, IAM, "GetUser", simple({"userName": "{who}"})),
    (1.5, IAM, "ListRolePolicies", simple({"roleName": "{role}"})),
    (2.0, "logs.amazonaws.com", "CreateLogStream",
     simple({"logGroupName": "/aws/lambda/{role}", "logStreamName": "2024/01/01/[$LATEST]{hex}"})),
    (2.0, "lambda.amazonaws.com", "Invoke",
     simple({"functionName": "arn:aws:lambda:{region}:{acct}:function:{role}"})),
    (1.0, "signin.amazonaws.com", "ConsoleLogin", console_login),
    (0.6, TRAIL, "LookupEvents", lookup_events),
    (0.4, "events.amazonaws.com", "PutRule", put_rule),
    (0.5, IAM, "PutRolePolicy", put_role_policy),
    (0.3, IAM, "CreateRole",
     simple({"roleName": "{role}-{hex}", "assumeRolePolicyDocument":
             "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\","
             "\"Principal\":{{\"Service\":\"lambda.amazonaws.com\"}},"
             "\"Action\":\"sts:AssumeRole\"}}]}}"})),
    # What the shipped rules index: about 1.5% of all calls.
    (0.15, IAM, "CreateUser", iam_change({"userName": "{who}-{hex}"})),
    (0.10, IAM, "DeleteUser", iam_change({"userName": "{who}-{hex}"})),
    (0.15, IAM, "CreateAccessKey", iam_change({"userName": "{who}"}, _new_key)),
    (0.12, IAM, "DeleteAccessKey", iam_change({"userName": "{who}",
                                                "accessKeyId": "AKIA{hex}{hex}"})),
    (0.15, IAM, "AttachRolePolicy",
     iam_change({"roleName": "{role}",
                 "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})),
    (0.08, IAM, "AttachUserPolicy",
     iam_change({"userName": "{who}", "policyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})),
    (0.05, IAM, "AttachGroupPolicy",
     iam_change({"groupName": "admins",
                 "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})),
    (0.12, IAM, "DetachRolePolicy",
     iam_change({"roleName": "{role}",
                 "policyArn": "arn:aws:iam::{acct}:policy/DenyS3DeleteGuardrail"})),
    (0.10, IAM, "DeleteRolePolicy", iam_change({"roleName": "{role}",
                                                 "policyName": "inline-{hex}"})),
    (0.15, IAM, "DeleteRole", iam_change({"roleName": "{role}-{hex}"})),
    (0.05, IAM, "UpdateLoginProfile", iam_change({"userName": "{who}"})),
    (0.05, IAM, "DeactivateMFADevice",
     iam_change({"userName": "{who}", "serialNumber": "arn:aws:iam::{acct}:mfa/{who}"})),
    (0.04, TRAIL, "StopLogging",
     iam_change({"name": "arn:aws:cloudtrail:{region}:{acct}:trail/org-trail"})),
    (0.03, TRAIL, "DeleteTrail",
     iam_change({"name": "arn:aws:cloudtrail:{region}:{acct}:trail/org-trail"})),
]


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def record(g, t):
    """One CloudTrail record at time t, as an ordered dict."""
    _, source, name, build = g.rng.choices(CATALOGUE, CAT_WEIGHTS)[0]
    who = g.rng.choices(g.principals, g.weights)[0]
    acct = who.get("accountId") or ACCOUNTS[g.rng.randrange(len(ACCOUNTS))]
    c = {"acct": acct, "region": g.rng.choice(REGIONS), "who": who}
    req, resp, extra = build(g, c)
    ident = dict(who)
    if "sessionContext" in ident:
        ctx = json.loads(json.dumps(ident["sessionContext"]))
        ctx["attributes"]["creationDate"] = stamp(t - dt.timedelta(minutes=g.rng.randrange(60)))
        ident["sessionContext"] = ctx
    if who["type"] == "AWSService":
        ip = agent = who["invokedBy"]
    else:
        ip = g.ip()
        agent = g.rng.choice(AGENTS).format(cmd=name.lower(), svc=source.split(".")[0])
    rec = {"eventVersion": "1.09", "userIdentity": ident, "eventTime": stamp(t),
           "eventSource": source, "eventName": name, "awsRegion": c["region"],
           "sourceIPAddress": ip, "userAgent": agent}
    for k in ("errorCode", "errorMessage"):
        if k in extra:
            rec[k] = extra.pop(k)
    rec["requestParameters"] = req
    rec["responseElements"] = resp
    if "additionalEventData" in extra:
        rec["additionalEventData"] = extra.pop("additionalEventData")
    rec["requestID"] = g.uuid()
    rec["eventID"] = g.uuid()
    rec["readOnly"] = extra.pop("readOnly", name.startswith(("Get", "Describe", "List",
                                                              "Head", "Lookup", "Decrypt")))
    if "resources" in extra:
        rec["resources"] = extra.pop("resources")
    rec["eventType"] = extra.pop("eventType", "AwsApiCall")
    rec["managementEvent"] = extra.pop("managementEvent", True)
    rec["recipientAccountId"] = acct
    rec["eventCategory"] = extra.pop("eventCategory", "Management")
    if who["type"] != "AWSService":
        rec["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                             "clientProvidedHostHeader": f"{source.split('.')[0]}."
                                                         f"{c['region']}.amazonaws.com"}
    return rec


CAT_WEIGHTS = [w for w, *_ in CATALOGUE]


class S3Writer:
    """Buffers records per (account, region) and writes each full buffer as
    one gzipped {"Records": [...]} object named like a CloudTrail delivery."""

    def __init__(self, root, per_file, rng):
        self.root, self.per_file, self.rng = root, per_file, rng
        self.buffers = {}
        self.files = 0
        self.gz_bytes = 0

    def add(self, acct, region, t, line):
        buf = self.buffers.setdefault((acct, region), [t, []])
        buf[1].append(line)
        if len(buf[1]) >= self.per_file:
            self.flush(acct, region)

    def flush(self, acct, region):
        t, lines = self.buffers.pop((acct, region))
        folder = os.path.join(self.root, "AWSLogs", acct, "CloudTrail", region,
                              t.strftime("%Y"), t.strftime("%m"), t.strftime("%d"))
        os.makedirs(folder, exist_ok=True)
        tag = "".join(self.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                      "0123456789") for _ in range(16))
        path = os.path.join(folder, f"{acct}_CloudTrail_{region}_"
                                    f"{t.strftime('%Y%m%dT%H%MZ')}_{tag}.json.gz")
        body = ('{"Records":[' + ",".join(lines) + "]}").encode()
        with gzip.GzipFile(path, "wb", compresslevel=6, mtime=0) as f:
            f.write(body)
        self.files += 1
        self.gz_bytes += os.path.getsize(path)

    def close(self):
        for acct, region in sorted(self.buffers):
            self.flush(acct, region)


def generate(out, count, seed, per_file, formats):
    g = Gen(seed)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    step = dt.timedelta(hours=168) / max(count, 1)
    counts, sources, nbytes = {}, {}, 0
    ndjson = None
    if "ndjson" in formats:
        os.makedirs(os.path.join(out, "ndjson"), exist_ok=True)
        ndjson = open(os.path.join(out, "ndjson", "cloudtrail_bench.ndjson"), "w",
                      encoding="utf-8")
    s3 = S3Writer(os.path.join(out, "s3"), per_file, random.Random(seed + 1)) \
        if "s3" in formats else None
    for i in range(count):
        t = start + step * i
        rec = record(g, t)
        line = json.dumps(rec, separators=(",", ":"), ensure_ascii=g.rng.random() < 0.5)
        counts[rec["eventName"]] = counts.get(rec["eventName"], 0) + 1
        sources[rec["eventName"]] = rec["eventSource"]
        nbytes += len(line.encode()) + 1
        if ndjson:
            ndjson.write(line + "\n")
        if s3:
            s3.add(rec["recipientAccountId"], rec["awsRegion"], t, line)
    if ndjson:
        ndjson.close()
    if s3:
        s3.close()
    return {"records": count, "ndjson_path": "ndjson/cloudtrail_bench.ndjson",
            "ndjson_bytes": nbytes, "mean_record_bytes": nbytes / max(count, 1),
            "s3_files": s3.files if s3 else 0, "s3_gz_bytes": s3.gz_bytes if s3 else 0,
            "eventName_counts": dict(sorted(counts.items(), key=lambda kv: -kv[1])),
            "eventSource_of_eventName": sources}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--count", type=int, default=1000000, help="records (default 1,000,000)")
    ap.add_argument("--seed", type=int, default=1337, help="random seed (default 1337)")
    ap.add_argument("--records-per-file", type=int, default=1000,
                    help="records per .json.gz object (default 1000)")
    ap.add_argument("--formats", default="ndjson,s3", help="comma list of ndjson, s3")
    args = ap.parse_args()
    formats = set(args.formats.split(","))
    if not formats <= {"ndjson", "s3"} or args.count < 0 or args.records_per_file < 1:
        ap.error("bad --formats, --count or --records-per-file")
    os.makedirs(args.out, exist_ok=True)
    output = generate(args.out, args.count, args.seed, args.records_per_file, formats)
    manifest = {"generator": "bench/gen_corpus.py",
                "parameters": {"count": args.count, "seed": args.seed,
                               "records_per_file": args.records_per_file,
                               "formats": sorted(formats)},
                "output": output}
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
