-- Any API call made as the root user (other than signing in).
--
-- Root can call every service, so this rule names no eventName or
-- eventSource; `on` keys it on userIdentity.type instead, which the stage-1
-- scanner reads without parsing the record, so every call by another
-- identity is dropped before it is copied, parsed or given to Lua.
-- Sign-in events (eventType AwsConsoleSignIn) have their own root rules in
-- aws/signin, and AWS service events are not root's doing: both quiet.
-- Refused calls fire too: root trying is as telling as root succeeding.
-- The idea (root identity, not a service event) is the Sigma rule "AWS Root
-- Credentials" (DRL 1.1, author credited below).
local aws = require "vigil.aws"

rule {
  id = "aws.account.root_activity",
  title = "API call made as the root user",
  severity = "high",
  author = "vitaliy0x1 (Sigma)",
  description = "The account's root user called an AWS API (from the console or with root "
    .. "access keys).",
  tags = { "attack.t1078.004", "attack.privilege_escalation", "attack.persistence",
           "attack.initial_access" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-tasks.html",
    "https://github.com/SigmaHQ/sigma/blob/8eaafff1f2845a696050e05e72ba1140ee190698/rules/"
      .. "cloud/aws/cloudtrail/aws_root_account_usage.yml",
    "https://attack.mitre.org/techniques/T1078/004/",
  },
  on = { ["userIdentity.type"] = "Root" },
  when = function(e)
    return aws.is_root(e) and e.eventType ~= "AwsConsoleSignIn"
      and e.eventType ~= "AwsServiceEvent"
  end,
  output = "Root user called {eventSource} {eventName} from {source_ip}",
  context = function(e)
    local key = e["userIdentity.accessKeyId"]
    return { root_access_key = type(key) == "string" and key:sub(1, 4) == "AKIA",
             error_code = e.errorCode, via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "A call was made with the root user's credentials: from a console session "
      .. "(after a root sign-in) or with a root access key (context root_access_key). "
      .. "Root cannot be limited by IAM policies and should only be used for the few "
      .. "tasks that require it; a root access key should not exist at all.",
    risks = {
      "Unrestricted control: anything root does cannot be stopped by IAM, and its misuse "
        .. "can end with the account closed or taken over.",
      "A root access key in use (root_access_key = true) breaks CIS AWS Foundations "
        .. "Benchmark v1.2.0 1.12 (no root access keys).",
      "Monitoring control: CIS AWS Foundations Benchmark v1.2.0 3.3 asks for an alarm on "
        .. "root account usage; PCI DSS v3.2.1 10.2.2 asks that actions by root be logged.",
    },
    console = {
      "1. Ask the holder of the root credentials whether they made this call, and why "
        .. "the task needed root.",
      "2. CloudTrail > Event history: filter on User name = root to see the whole session.",
      "3. If the call used an access key: sign in as root, Account > Security credentials "
        .. "> Access keys, deactivate and delete it.",
      "4. If nobody owns up: change the root password, check the MFA devices and contact "
        .. "details, and review what the calls changed.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=root",
      "aws iam get-account-summary --query SummaryMap.AccountAccessKeysPresent",
      "aws iam generate-credential-report",
      "aws iam get-credential-report --query Content --output text",
    },
  },
  tests = {
    { name = "root creates an access key in the console", fires = true,
      event = "samples/root_create_access_key.json",
      alert = { context = { root_access_key = false, via_console = true } } },
    { name = "root access key used from the CLI", fires = true,
      event = "samples/root_list_buckets_cli.json",
      alert = { context = { root_access_key = true, via_console = false } } },
    { name = "refused root call still fires", fires = true, event = "samples/root_denied.json",
      alert = { context = { root_access_key = true, via_console = false,
                            error_code = "Client.UnauthorizedOperation" } } },
    { name = "root sign-in is aws/signin's", fires = false,
      event = "../signin/samples/console_login_root.json" },
    { name = "IAM user call", fires = false,
      event = "samples/put_alternate_contact_security.json" },
  },
}
