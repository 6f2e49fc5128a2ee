-- A security-sensitive API call made through a VPC endpoint.
--
-- Workloads inside a VPC read data and secrets through endpoints all day;
-- they rarely change logging, keys, resource policies or firewalls. When
-- such a change arrives through an endpoint, it came from a host inside
-- your network rather than from a person's console or CLI, which points at
-- a compromised workload (or at automation worth knowing about). Low: the
-- service-specific rules judge the change itself; this one adds where it
-- came from. Refused calls are aws.vpc.endpoint_access_denied. The list
-- below is ours: security controls, not routine reads (GetSecretValue,
-- Decrypt and GenerateDataKey are left out on purpose).
local aws = require "vigil.aws"
local net = require "vigil.net"

rule {
  id = "aws.vpc.endpoint_sensitive_api_call",
  title = "Security-sensitive call made through a VPC endpoint",
  severity = "low",
  description = "A call that changes logging, encryption keys, secrets' policies, bucket "
    .. "policies or firewall rules arrived through a VPC endpoint, from inside the network.",
  tags = { "attack.t1562", "attack.defense_evasion", "attack.t1599" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
      .. "logging-network-events-with-cloudtrail.html",
    "https://attack.mitre.org/techniques/T1562/",
  },
  on = { eventName = {
    -- CloudTrail
    "StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors", "PutInsightSelectors",
    "DeleteEventDataStore",
    -- KMS
    "ScheduleKeyDeletion", "DisableKey", "PutKeyPolicy", "CreateGrant", "DisableKeyRotation",
    "ImportKeyMaterial", "DeleteImportedKeyMaterial",
    -- Secrets Manager
    "DeleteSecret", "PutResourcePolicy", "DeleteResourcePolicy", "CancelRotateSecret",
    "BatchGetSecretValue",
    -- EC2
    "CreateKeyPair", "ImportKeyPair", "ModifyInstanceAttribute",
    "AuthorizeSecurityGroupIngress", "ModifySnapshotAttribute", "ModifyImageAttribute",
    "DisableEbsEncryptionByDefault", "CreateTrafficMirrorSession",
    -- S3
    "PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl", "PutBucketPublicAccessBlock",
    "DeleteBucketPublicAccessBlock", "PutBucketVersioning", "PutBucketLogging",
    "PutBucketReplication", "DeleteBucketEncryption",
  }, eventType = "AwsVpceEvent", errorCode = false },
  when = function(e)
    return net.is_vpce_event(e) and aws.succeeded(e)
  end,
  output = "{actor} called {eventSource} {eventName} through endpoint {vpcEndpointId} from "
    .. "{source_ip}",
  context = function(e)
    return { endpoint = e.vpcEndpointId, caller_account = e["userIdentity.accountId"],
             instance_session = net.is_instance_session(e) }
  end,
  runbook = {
    about = "Network activity events record API calls that cross your VPC endpoints. This "
      .. "one changed a security control (trail, key, secret policy, bucket policy, firewall "
      .. "or instance attribute) and came from an address inside the VPC, so a workload, not "
      .. "a person at a console, made it. The record does not hold the request parameters: "
      .. "look for the matching management event (same time, same principal) for details.",
    risks = {
      "Compromised workload: attackers on a host use its role to weaken logging, keys or "
        .. "policies from inside, where the call blends with application traffic.",
      "Defense evasion: trail and key changes from inside the VPC avoid controls that only "
        .. "watch console and internet paths.",
      "Compliance: NIST 800-53 AC-6 and SI-4, SOC 2 CC7.2.",
    },
    console = {
      "1. EC2 > Network & Security > Network Interfaces: search the source address to find "
        .. "the host that made the call.",
      "2. CloudTrail > Event history: filter on Event name = the call from the alert and "
        .. "open the management event with the same time and principal to see what changed.",
      "3. Ask the owner of the workload whether it is meant to make this call; if not, "
        .. "isolate the host and revoke its role's sessions.",
      "4. Consider an endpoint policy that denies these actions to workload roles.",
    },
    cli = {
      "aws ec2 describe-network-interfaces --filters "
        .. "Name=addresses.private-ip-address,Values=<source-ip>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=<event-name>",
      "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids <vpce-id>",
    },
  },
  tests = {
    { name = "UpdateTrail from inside the VPC", fires = true,
      event = "samples/vpce_update_trail.json",
      alert = { severity = "low",
                context = { endpoint = "vpce-0a1b2c3d4e5f67890",
                            caller_account = "111122223333", instance_session = true } } },
    { name = "key deletion scheduled from inside the VPC", fires = true,
      event = "samples/vpce_schedule_key_deletion.json" },
    { name = "reading a secret is routine", fires = false,
      event = "samples/vpce_get_secret_value.json" },
    { name = "the same call outside any endpoint", fires = false,
      event = "samples/update_trail_management.json" },
    { name = "refused call is endpoint_access_denied", fires = false,
      event = "samples/vpce_update_trail_denied.json" },
  },
}
