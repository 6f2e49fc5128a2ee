-- IAM users, keys, passwords or policies made with the S3 Browser client.
--
-- Ported from the Sigma rules "AWS IAM S3Browser User or AccessKey
-- Creation", "... LoginProfile Creation" and "... Templated S3 Bucket Policy
-- Creation" (DRL 1.1, author credited below). S3 Browser is a Windows S3
-- client whose IAM features intruders have used with stolen keys to create
-- users, keys and console passwords; administrators rarely manage IAM with
-- it. The user agent is the signal, so refused calls fire too (the tool is
-- being pointed at IAM either way); the context carries the error code.
-- AWS services never present this agent: no service exception.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.iam.s3_browser_iam_activity",
  title = "IAM changed with the S3 Browser client",
  severity = "high",
  author = "daniel.bohannon@permiso.io (@danielhbohannon) (Sigma)",
  description = "IAM users, access keys, console passwords or inline policies were created "
    .. "(or attempted) by a caller whose user agent is the S3 Browser Windows client.",
  tags = { "attack.t1136.003", "attack.persistence", "attack.t1078.004",
           "attack.privilege_escalation" },
  references = {
    "https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/"
      .. "cloud/aws/cloudtrail/aws_iam_s3browser_user_or_accesskey_creation.yml",
    "https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/"
      .. "cloud/aws/cloudtrail/aws_iam_s3browser_loginprofile_creation.yml",
    "https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/"
      .. "cloud/aws/cloudtrail/aws_iam_s3browser_templated_s3_bucket_policy_creation.yml",
    "https://attack.mitre.org/techniques/T1136/003/",
  },
  on = { eventSource = "iam.amazonaws.com",
         eventName = { "CreateUser", "CreateAccessKey", "CreateLoginProfile",
                       "GetLoginProfile", "PutUserPolicy" } },
  when = function(e)
    return identity.agent_has(e, { "s3 browser" })
  end,
  output = "{actor} called {eventName} for user {requestParameters.userName} from S3 Browser "
    .. "({source_ip})",
  context = function(e)
    return { error_code = e.errorCode, succeeded = aws.succeeded(e) }
  end,
  runbook = {
    about = "S3 Browser is a Windows client for Amazon S3 that can also create IAM users, "
      .. "access keys, console passwords and inline bucket-access policies. Incident "
      .. "reports describe intruders using it with leaked access keys to set up their own "
      .. "users; its policy wizard leaves placeholders such as <YOUR-BUCKET-NAME> in the "
      .. "policies it writes. An administrator managing IAM from it is unusual.",
    risks = {
      "Persistence: new users, keys and console passwords outlive the key that was stolen.",
      "Unauthorized access: the key used here is probably in the wrong hands.",
      "Account creation monitoring: PCI DSS v3.2.1 10.2.5 asks that creation of accounts "
        .. "and changes to authentication mechanisms be logged and reviewed.",
    },
    console = {
      "1. IAM > Users: open the actor and check who owns it and whether they use S3 "
        .. "Browser; compare the source IP with theirs.",
      "2. If not: Security credentials tab, deactivate the access key used (the alert's "
        .. "event shows userIdentity.accessKeyId).",
      "3. IAM > Users: find what was created (the user named in the alert), then delete "
        .. "its access keys, console password and inline policies, and the user.",
      "4. CloudTrail > Event history: filter on AWS access key = the key id to list "
        .. "everything else done with it.",
    },
    cli = {
      "aws iam update-access-key --user-name <actor-user> --access-key-id <key-id> "
        .. "--status Inactive",
      "aws iam list-access-keys --user-name <created-user>",
      "aws iam delete-login-profile --user-name <created-user>",
      "aws iam list-user-policies --user-name <created-user>",
      "aws iam delete-user --user-name <created-user>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=AccessKeyId,AttributeValue=<key-id>",
    },
  },
  tests = {
    { name = "user created from S3 Browser", fires = true,
      event = "samples/s3browser_create_user.json",
      alert = { author = "daniel.bohannon@permiso.io (@danielhbohannon) (Sigma)",
                context = { succeeded = true } } },
    { name = "templated bucket policy from S3 Browser", fires = true,
      event = "samples/s3browser_put_user_policy.json" },
    { name = "refused password creation still fires", fires = true,
      event = "samples/s3browser_create_login_profile_denied.json",
      alert = { context = { succeeded = false, error_code = "AccessDenied" } } },
    { name = "same call from the AWS CLI", fires = false, event = "samples/create_user.json" },
  },
}
