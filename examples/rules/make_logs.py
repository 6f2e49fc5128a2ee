#!/usr/bin/env python3
"""Writes the events behind docs/rules.md: the acme rules' test samples
(acme/samples/*.json) and one day of CloudTrail (logs/day.jsonl). Invented
values in CloudTrail's shape; run it again after changing the story."""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ACCOUNT = "111122223333"
MALLORY = f"arn:aws:iam::{ACCOUNT}:user/mallory"
n_events = 0


def event(t, source, name, arn, utype="IAMUser", **extra):
    global n_events
    n_events += 1
    e = {
        "eventVersion": "1.09",
        "userIdentity": {"type": utype, "arn": arn, "accountId": ACCOUNT},
        "eventTime": f"2024-06-01T{t}Z",
        "eventSource": source,
        "eventName": name,
        "awsRegion": "eu-west-1",
        "sourceIPAddress": "203.0.113.7",
        "userAgent": "aws-cli/2.15.0",
        "eventID": f"00000000-0000-4000-8000-{n_events:012d}",
        "recipientAccountId": ACCOUNT,
    }
    if "sessionContext" in extra:  # an assumed role: name the role it came from
        del extra["sessionContext"]
        role = arn.split("/")[1]
        e["userIdentity"]["sessionContext"] = {"sessionIssuer": {
            "type": "Role", "arn": f"arn:aws:iam::{ACCOUNT}:role/{role}"}}
    if utype == "IAMUser":
        e["userIdentity"]["userName"] = arn.split("/")[-1]
    e.update(extra)
    return e


def clock(h, m, s):
    m += s // 60
    h += m // 60
    return f"{h:02d}:{m % 60:02d}:{s % 60:02d}"


stop = event("10:00:00", "cloudtrail.amazonaws.com", "StopLogging", MALLORY,
             requestParameters={"name": "main"})
root = event("10:01:00", "signin.amazonaws.com", "ConsoleLogin", f"arn:aws:iam::{ACCOUNT}:root",
             utype="Root", responseElements={"ConsoleLogin": "Success"},
             additionalEventData={"MFAUsed": "No"})
detach = event("10:30:00", "iam.amazonaws.com", "DetachRolePolicy", MALLORY,
               requestParameters={"roleName": "prod-orders-api", "policyArn":
                                  f"arn:aws:iam::{ACCOUNT}:policy/DenyS3DeleteGuardrail"})
attach = event("10:41:00", "iam.amazonaws.com", "AttachRolePolicy", MALLORY,
               requestParameters={"roleName": "prod-orders-api",
                                  "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})
writes = ["CreateUser", "CreateRole", "AttachRolePolicy", "PutRolePolicy", "CreateAccessKey",
          "AddUserToGroup", "UpdateAssumeRolePolicy", "CreatePolicyVersion",
          "DeleteRolePolicy", "TagRole"]

day = [stop, root]
day += [event(clock(10, 2, 5 * i), "s3.amazonaws.com", "GetObject", MALLORY,
              errorCode="AccessDenied") for i in range(20)]
day += [event(clock(10, 10, 20 * i), "iam.amazonaws.com", w,
              f"arn:aws:iam::{ACCOUNT}:user/intern",
              requestParameters={"userName": "backup-admin"}) for i, w in enumerate(writes)]
day += [event(clock(10, 20, 20 * i), "iam.amazonaws.com", w,
              f"arn:aws:sts::{ACCOUNT}:assumed-role/terraform-ci/run-42", utype="AssumedRole",
              userAgent="APN/1.0 HashiCorp/1.0 Terraform/1.8.2",
              requestParameters={"userName": "team-7-deployer"},
              sessionContext=None)
        for i, w in enumerate(writes[:4] + ["CreatePolicy"] + writes[5:])]
day += [event(t, "iam.amazonaws.com", "CreateAccessKey", MALLORY,
              requestParameters={"userName": "mallory"}) for t in ("10:25:00", "10:35:00")]
day += [detach, attach]
day += [event("10:46:00", "iam.amazonaws.com", "CreateAccessKey",
              f"arn:aws:iam::{ACCOUNT}:user/svc-rotation", userAgent="key-rotator/1.2",
              requestParameters={"userName": "svc-rotation"})]
day += [event("10:45:00", "sts.amazonaws.com", "GetCallerIdentity",
              f"arn:aws:iam::{ACCOUNT}:user/ci-runner")]
day += [event(t, "iam.amazonaws.com", "CreateAccessKey", MALLORY,
              requestParameters={"userName": "mallory"}) for t in ("10:50:00", "11:40:00")]
day.sort(key=lambda e: e["eventTime"])

for name, e in (("stop_logging", stop), ("root_login", root), ("detach_guardrail", detach),
                ("attach_admin", attach)):
    with open(f"{HERE}/acme/samples/{name}.json", "w") as f:
        json.dump(e, f, indent=2)
        f.write("\n")
os.makedirs(f"{HERE}/logs", exist_ok=True)
with open(f"{HERE}/logs/day.jsonl", "w") as f:
    for e in day:
        f.write(json.dumps(e) + "\n")
