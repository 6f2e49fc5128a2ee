#!/usr/bin/env python3
"""Write the example attack in examples/attack/ (standard library only).

The story is in examples/README.md. Every value is invented: account
111122223333, documentation IP ranges, keys with EXAMPLE in them. Output is
deterministic (seeded IDs, gzip mtime 0): running this again must leave
`git status` clean.
"""
import datetime
import gzip
import json
import os
import random
import string
import uuid

ACCT = "111122223333"
REGION = "us-east-1"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attack")
RNG = random.Random("vigil-example-attack")

ATTACKER_IP = "198.51.100.45"
ATTACKER_UA = ("Boto3/1.34.106 md/Botocore#1.34.106 ua/2.0 os/linux#6.6.9-amd64 "
               "md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#legacy "
               "Botocore/1.34.106")
CI_IP = "203.0.113.20"
CI_UA = ("APN/1.0 HashiCorp/1.0 Terraform/1.8.3 (+https://www.terraform.io) "
         "terraform-provider-aws/5.50.0 (+https://registry.terraform.io/providers/hashicorp/aws) "
         "aws-sdk-go-v2/1.27.0 ua/2.0 os/linux lang/go#1.22.3 md/GOOS#linux md/GOARCH#amd64")
ALICE_IP = "203.0.113.34"
ALICE_UA = "aws-cli/2.15.52 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off"
BOB_IP = "198.51.100.23"
OBS_IP = "203.0.113.200"
OBS_UA = "aws-sdk-go/1.51.30 (go1.21.9; linux; amd64)"


def new_id():
    return str(uuid.UUID(int=RNG.getrandbits(128), version=4))


def iam_date(d):
    h = d.hour % 12 or 12
    return "%s %d, %d %d:%02d:%02d %s" % (d.strftime("%b"), d.day, d.year, h, d.minute,
                                          d.second, "AM" if d.hour < 12 else "PM")


def sts_date(d):
    """STS writes expirations as 'May 21, 2024, 8:00:40 PM'."""
    return iam_date(d).replace(" %d " % d.year, " %d, " % d.year)


def user(name, pid, key):
    return {"type": "IAMUser", "principalId": pid,
            "arn": "arn:aws:iam::%s:user/%s" % (ACCT, name), "accountId": ACCT,
            "accessKeyId": key, "userName": name}


def role_session(role, session, role_id, key, created):
    return {"type": "AssumedRole", "principalId": "%s:%s" % (role_id, session),
            "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCT, role, session),
            "accountId": ACCT, "accessKeyId": key,
            "sessionContext": {
                "sessionIssuer": {"type": "Role", "principalId": role_id,
                                  "arn": "arn:aws:iam::%s:role/%s" % (ACCT, role),
                                  "accountId": ACCT, "userName": role},
                "webIdFederationData": {},
                "attributes": {"creationDate": created, "mfaAuthenticated": "false"}}}


CI = user("ci-deployer", "AIDAYQ3EXAMPLECIDEP7", "AKIAYQ3EXAMPLECIDEP1")
BACKDOOR_KEY = "AKIAYQ3EXAMPLESYNC4Q"
BACKDOOR = user("svc-backup-sync", "AIDAYQ3EXAMPLESYNC2M", BACKDOOR_KEY)
ALICE = user("alice", "AIDAYQ3EXAMPLEALICE7", "AKIAYQ3EXAMPLEK4ALIC")
BOB_LOGIN = {"type": "IAMUser", "principalId": "AIDAYQ3EXAMPLEBOB0B2",
             "arn": "arn:aws:iam::%s:user/bob" % ACCT, "accountId": ACCT, "userName": "bob"}
BOB = dict(BOB_LOGIN, accessKeyId="ASIAYQ3EXAMPLEBOBCN5",
           sessionContext={"sessionIssuer": {}, "webIdFederationData": {},
                           "attributes": {"creationDate": "2024-05-21T14:05:50Z",
                                          "mfaAuthenticated": "true"}})
OBS = role_session("observability-reader", "metrics-poller", "AROAYQ3EXAMPLEOBSRV3",
                   "ASIAYQ3EXAMPLEOBS9KD", "2024-05-21T13:58:12Z")
CFN = dict(role_session("cfn-deploy", "AWSCloudFormation", "AROAYQ3EXAMPLECFNDP1",
                        "ASIAYQ3EXAMPLECFN7QZ", "2024-05-21T14:09:58Z"),
           invokedBy="cloudformation.amazonaws.com")


def host(source):
    svc = source.split(".")[0]
    if svc in ("iam", "s3"):
        return source
    if svc == "signin":
        return "signin.aws.amazon.com"
    if svc == "monitoring":
        return "monitoring.%s.amazonaws.com" % REGION
    return "%s.%s.amazonaws.com" % (svc, REGION)


def call(t, who, ip, ua, source, name, params=None, response=None, read_only=True,
         error=None, tls=True, extra=None, request_id=True, event_type="AwsApiCall",
         tail=None):
    rec = {"eventVersion": "1.09", "userIdentity": who, "eventTime": "2024-05-21T%sZ" % t,
           "eventSource": source, "eventName": name, "awsRegion": REGION,
           "sourceIPAddress": ip, "userAgent": ua}
    if error:
        rec["errorCode"], rec["errorMessage"] = error
    rec["requestParameters"] = params
    rec["responseElements"] = response
    if extra:
        rec.update(extra)
    if request_id:
        rec["requestID"] = new_id()
    rec["eventID"] = new_id()
    rec["readOnly"] = read_only
    if tail:
        rec.update(tail)
    rec["eventType"] = event_type
    rec["managementEvent"] = True
    rec["recipientAccountId"] = ACCT
    rec["eventCategory"] = "Management"
    if tls:
        rec["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                             "clientProvidedHostHeader": host(source)}
    return rec


def denied(who, action, resource, why="because no identity-based policy allows the %s action"):
    tail = why % action if "%s" in why else why
    return ("AccessDenied", "User: %s is not authorized to perform: %s on resource: %s %s"
            % (who["arn"], action, resource, tail))


def attacker(t, name, source="iam.amazonaws.com", who=CI, **kw):
    return call(t, who, ATTACKER_IP, ATTACKER_UA, source, name, **kw)


def ci(t, name, source, *args, **kw):
    return call(t, CI, CI_IP, CI_UA, source, name, *args, **kw)


def bob(t, name, source, *args, **kw):
    rec = call(t, BOB, BOB_IP, "AWS Internal", source, name, *args, tls=False, **kw)
    rec["sessionCredentialFromConsole"] = "true"
    return rec


def obs(t, name, source, *args, **kw):
    return call(t, OBS, OBS_IP, OBS_UA, source, name, *args, **kw)


ROLE_IDS = {"orders-api-task": "AROAYQ3EXAMPLEOAPIT4",
            "orders-notify-lambda": "AROAYQ3EXAMPLENOTFY6"}


def service_assume(t, service, role, session):
    d = datetime.datetime.strptime("2024-05-21T" + t, "%Y-%m-%dT%H:%M:%S")
    role_arn = "arn:aws:iam::%s:role/%s" % (ACCT, role)
    key = "ASIAYQ3EXAMPLE" + "".join(RNG.choice(string.ascii_uppercase + "234567")
                                     for _ in range(6))
    return call(t, {"type": "AWSService", "invokedBy": service}, service, service,
                "sts.amazonaws.com", "AssumeRole",
                {"roleArn": role_arn, "roleSessionName": session},
                {"credentials": {"accessKeyId": key,
                                 "sessionToken": "IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN",
                                 "expiration": sts_date(d + datetime.timedelta(hours=6))},
                 "assumedRoleUser": {"assumedRoleId": "%s:%s" % (ROLE_IDS[role], session),
                                     "arn": "arn:aws:sts::%s:assumed-role/%s/%s"
                                     % (ACCT, role, session)}},
                tls=False,
                tail={"resources": [{"accountId": ACCT, "type": "AWS::IAM::Role",
                                     "ARN": role_arn}],
                      "sharedEventID": new_id()})


def s3_list_buckets(t, who):
    return call(t, who, ATTACKER_IP, ATTACKER_UA, "s3.amazonaws.com", "ListBuckets",
                {"Host": "s3.amazonaws.com"}, None,
                extra={"additionalEventData": {
                    "SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                    "bytesTransferredIn": 0, "AuthenticationMethod": "AuthHeader",
                    "x-amz-id-2": "EXAMPLEid2/" + new_id().replace("-", ""),
                    "bytesTransferredOut": 1187}})


def new_key_response(name, key, t):
    d = datetime.datetime.strptime("2024-05-21T" + t, "%Y-%m-%dT%H:%M:%S")
    return {"accessKey": {"accessKeyId": key, "status": "Active", "userName": name,
                          "createDate": iam_date(d)}}


TRAIL = "account-activity-trail"
TRAIL_ARN = "arn:aws:cloudtrail:%s:%s:trail/%s" % (REGION, ACCT, TRAIL)
GUARDRAIL = "arn:aws:iam::%s:policy/DenyS3DeleteGuardrail" % ACCT
SCP_DENY = "with an explicit deny in a service control policy"


def timeline():
    return [
        # 14:00 the CI pipeline's normal run, from the office NAT address
        ci("14:00:04", "GetCallerIdentity", "sts.amazonaws.com"),
        ci("14:00:06", "DescribeInstances", "ec2.amazonaws.com",
           {"instancesSet": {}, "filterSet": {}}),
        ci("14:00:09", "DescribeServices", "ecs.amazonaws.com",
           {"cluster": "prod", "services": ["orders-api"]}),
        ci("14:00:12", "UpdateService", "ecs.amazonaws.com",
           {"cluster": "prod", "service": "orders-api", "taskDefinition": "orders-api:42"},
           {"service": {"serviceName": "orders-api", "status": "ACTIVE", "desiredCount": 3,
                        "taskDefinition": "arn:aws:ecs:%s:%s:task-definition/orders-api:42"
                        % (REGION, ACCT)}}, read_only=False),
        service_assume("14:00:40", "ecs-tasks.amazonaws.com", "orders-api-task",
                       "5f2c0d9e8b7a4c31a2e6d4b8f0c19a77"),
        obs("14:01:30", "DescribeRegions", "ec2.amazonaws.com", {"regionSet": {}}),
        obs("14:01:32", "GetMetricData", "monitoring.amazonaws.com",
            {"startTime": "May 21, 2024, 1:56:00 PM", "endTime": "May 21, 2024, 2:01:00 PM",
             "metricDataQueries": [{"id": "cpu", "metricStat": {
                 "metric": {"namespace": "AWS/ECS", "metricName": "CPUUtilization"},
                 "period": 60, "stat": "Average"}}]}),
        # 14:02 the leaked CI key shows up from an address it never used
        attacker("14:02:11", "GetCallerIdentity", "sts.amazonaws.com"),
        attacker("14:02:40", "ListUsers"),
        attacker("14:02:58", "ListRoles"),
        attacker("14:03:20", "ListAttachedUserPolicies", params={"userName": "ci-deployer"}),
        attacker("14:03:45", "GetAccountAuthorizationDetails",
                 params={"filter": ["User", "Role", "Group", "LocalManagedPolicy"]},
                 error=denied(CI, "iam:GetAccountAuthorizationDetails", "*")),
        s3_list_buckets("14:04:05", CI),
        attacker("14:04:32", "DescribeOrganization", "organizations.amazonaws.com",
                 error=("AccessDeniedException",
                        "You don't have permissions to access this resource.")),
        attacker("14:05:02", "ListSecrets", "secretsmanager.amazonaws.com",
                 params={"maxResults": 100},
                 error=("AccessDeniedException",
                        "User: %s is not authorized to perform: secretsmanager:ListSecrets "
                        "because no identity-based policy allows the "
                        "secretsmanager:ListSecrets action" % CI["arn"])),
        attacker("14:05:30", "DescribeTrails", "cloudtrail.amazonaws.com",
                 params={"includeShadowTrails": True}),
        # a developer signs in to the console (background)
        call("14:05:50", BOB_LOGIN, BOB_IP,
             "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
             "signin.amazonaws.com", "ConsoleLogin", None, {"ConsoleLogin": "Success"},
             read_only=False, request_id=False, event_type="AwsConsoleSignIn",
             extra={"additionalEventData": {
                 "LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs"
                            "%23&isauthcode=true",
                 "MobileVersion": "No", "MFAIdentifier": "arn:aws:iam::%s:mfa/bob-yubikey"
                 % ACCT, "MFAUsed": "Yes"}}),
        # 14:06 persistence: a backdoor user with a key and admin rights
        attacker("14:06:10", "CreateUser", params={"userName": "svc-backup-sync"},
                 response={"user": {"path": "/", "userName": "svc-backup-sync",
                                    "userId": BACKDOOR["principalId"],
                                    "arn": BACKDOOR["arn"],
                                    "createDate": "May 21, 2024 2:06:10 PM"}},
                 read_only=False),
        attacker("14:06:32", "CreateAccessKey", params={"userName": "svc-backup-sync"},
                 response=new_key_response("svc-backup-sync", BACKDOOR_KEY, "14:06:32"),
                 read_only=False),
        attacker("14:06:55", "AttachUserPolicy",
                 params={"userName": "svc-backup-sync",
                         "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"},
                 read_only=False),
        bob("14:07:10", "DescribeInstances", "ec2.amazonaws.com",
            {"instancesSet": {}, "filterSet": {}}),
        bob("14:07:12", "DescribeSecurityGroups", "ec2.amazonaws.com",
            {"securityGroupSet": {}, "securityGroupIdSet": {}, "filterSet": {}}),
        service_assume("14:07:40", "lambda.amazonaws.com", "orders-notify-lambda",
                       "orders-notify"),
        # 14:08 the attacker switches to the backdoor user's key
        attacker("14:08:20", "GetCallerIdentity", "sts.amazonaws.com", who=BACKDOOR),
        attacker("14:08:50", "ListRoles", who=BACKDOOR),
        attacker("14:09:05", "ListAttachedRolePolicies", who=BACKDOOR,
                 params={"roleName": "prod-orders-api"}),
        attacker("14:09:40", "DetachRolePolicy", who=BACKDOOR, read_only=False,
                 params={"roleName": "prod-orders-api", "policyArn": GUARDRAIL}),
        # a CloudFormation stack update runs at the same time (background)
        call("14:10:15", CFN, "cloudformation.amazonaws.com", "cloudformation.amazonaws.com",
             "iam.amazonaws.com", "DetachRolePolicy",
             {"roleName": "orders-worker-TaskRole-1X2Y3Z",
              "policyArn": "arn:aws:iam::aws:policy/AmazonSQSFullAccess"},
             read_only=False, tls=False),
        call("14:10:16", CFN, "cloudformation.amazonaws.com", "cloudformation.amazonaws.com",
             "iam.amazonaws.com", "AttachRolePolicy",
             {"roleName": "orders-worker-TaskRole-1X2Y3Z",
              "policyArn": "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess"},
             read_only=False, tls=False),
        obs("14:11:02", "DescribeRegions", "ec2.amazonaws.com", {"regionSet": {}}),
        # 14:12 defense evasion: the account's own trail
        attacker("14:12:30", "GetTrailStatus", "cloudtrail.amazonaws.com", who=BACKDOOR,
                 params={"name": TRAIL}),
        attacker("14:13:05", "StopLogging", "cloudtrail.amazonaws.com", who=BACKDOOR,
                 params={"name": TRAIL}, read_only=False),
        attacker("14:13:40", "DeleteTrail", "cloudtrail.amazonaws.com", who=BACKDOOR,
                 params={"name": TRAIL}, read_only=False,
                 error=denied(BACKDOOR, "cloudtrail:DeleteTrail", TRAIL_ARN, SCP_DENY)),
        service_assume("14:14:30", "ecs-tasks.amazonaws.com", "orders-api-task",
                       "9b1e7c04d2f84a6e8c3a5d7f1e2b4c60"),
        # 14:15 a developer rotates her own access key (background)
        call("14:15:10", ALICE, ALICE_IP, ALICE_UA + " command/iam.create-access-key",
             "iam.amazonaws.com", "CreateAccessKey", {"userName": "alice"},
             new_key_response("alice", "AKIAYQ3EXAMPLEALIC2N", "14:15:10"), read_only=False),
        call("14:15:12", ALICE, ALICE_IP, ALICE_UA + " command/iam.list-access-keys",
             "iam.amazonaws.com", "ListAccessKeys", {"userName": "alice"}),
        call("14:16:40", ALICE, ALICE_IP, ALICE_UA + " command/iam.delete-access-key",
             "iam.amazonaws.com", "DeleteAccessKey",
             {"userName": "alice", "accessKeyId": ALICE["accessKeyId"]}, read_only=False),
        s3_list_buckets("14:17:20", BACKDOOR),
        attacker("14:18:00", "DescribeInstances", "ec2.amazonaws.com", who=BACKDOOR,
                 params={"instancesSet": {}, "filterSet": {}}),
        bob("14:19:10", "ListUsers", "iam.amazonaws.com"),
        obs("14:20:00", "DescribeRegions", "ec2.amazonaws.com", {"regionSet": {}}),
        # 14:21 collection with the new admin rights
        attacker("14:21:40", "ListAccessKeys", who=BACKDOOR,
                 params={"userName": "svc-backup-sync"}),
        attacker("14:22:30", "ListSecrets", "secretsmanager.amazonaws.com", who=BACKDOOR,
                 params={"maxResults": 100}),
        attacker("14:22:50", "GetSecretValue", "secretsmanager.amazonaws.com", who=BACKDOOR,
                 params={"secretId": "prod/orders/db"}),
        attacker("14:23:05", "GetSecretValue", "secretsmanager.amazonaws.com", who=BACKDOOR,
                 params={"secretId": "prod/payments/stripe-api-key"}),
        service_assume("14:25:00", "lambda.amazonaws.com", "orders-notify-lambda",
                       "orders-notify"),
        bob("14:26:30", "GetUser", "iam.amazonaws.com", {"userName": "bob"}),
        # 14:27 the CI pipeline's next normal run
        ci("14:27:10", "GetCallerIdentity", "sts.amazonaws.com"),
        ci("14:27:13", "DescribeServices", "ecs.amazonaws.com",
           {"cluster": "prod", "services": ["orders-api"]}),
        ci("14:27:15", "DescribeTaskDefinition", "ecs.amazonaws.com",
           {"taskDefinition": "orders-api:42"}),
        bob("14:28:05", "DescribeInstances", "ec2.amazonaws.com",
            {"instancesSet": {}, "filterSet": {}}),
        obs("14:30:30", "DescribeRegions", "ec2.amazonaws.com", {"regionSet": {}}),
        service_assume("14:31:50", "ecs-tasks.amazonaws.com", "orders-api-task",
                       "0c7d2e9f4a1b4d8e9f6a3c5b7d1e0f42"),
    ]


def s3_name(stamp):
    suffix = "".join(RNG.choice(string.ascii_letters + string.digits) for _ in range(16))
    return "%s_CloudTrail_%s_%s_%s.json" % (ACCT, REGION, stamp, suffix)


def write_objects(records):
    parts = [("20240521T1405Z", "14:06:00", False),
             ("20240521T1415Z", "14:15:00", True),
             ("20240521T1420Z", "14:21:00", True)]
    rest, start = records, "00:00:00"
    for stamp, end, zipped in parts:
        chunk = [r for r in rest if start <= r["eventTime"][11:19] < end]
        body = json.dumps({"Records": chunk}, separators=(",", ":")).encode()
        name = s3_name(stamp)
        if zipped:
            with open(os.path.join(OUT, name + ".gz"), "wb") as raw:
                with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
                    gz.write(body)
        else:
            with open(os.path.join(OUT, name), "wb") as f:
                f.write(body)
        start = end
    with open(os.path.join(OUT, "late-records.jsonl"), "w") as f:
        for r in records:
            if r["eventTime"][11:19] >= start:
                f.write(json.dumps(r, separators=(",", ":")) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    records = sorted(timeline(), key=lambda r: r["eventTime"])
    assert len({r["eventID"] for r in records}) == len(records)
    write_objects(records)
    print("%d records written to %s" % (len(records), OUT))


if __name__ == "__main__":
    main()
