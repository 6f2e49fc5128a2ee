-- A traffic mirroring call that failed: refused, or rejected by EC2.
--
-- Unlike most failed calls, a failed attempt to mirror traffic is itself
-- the signal: someone tried to set up a wiretap (attackers often hit
-- unsupported interface types or missing permissions first). Low, because
-- nothing was copied. Every caller counts, AWS services included.
local aws = require "vigil.aws"

local names = {}
for _, verb in ipairs({ "Create", "Delete", "Modify" }) do
  for _, what in ipairs({ "Session", "Target", "Filter", "FilterRule" }) do
    if not (verb == "Modify" and (what == "Target" or what == "Filter")) then
      names[#names + 1] = verb .. "TrafficMirror" .. what
    end
  end
end
names[#names + 1] = "ModifyTrafficMirrorFilterNetworkServices"

rule {
  id = "aws.ec2.traffic_mirroring_failed",
  title = "VPC traffic mirroring attempt failed",
  severity = "low",
  description = "A traffic mirroring call (session, target, filter) failed; someone tried to "
    .. "copy network traffic.",
  tags = { "attack.t1040", "attack.credential_access", "attack.discovery" },
  references = {
    "https://docs.aws.amazon.com/vpc/latest/mirroring/traffic-mirroring-limits.html",
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
      .. "API_CreateTrafficMirrorSession.html",
    "https://attack.mitre.org/techniques/T1040/",
  },
  on = { eventSource = "ec2.amazonaws.com", eventName = names },
  when = function(e)
    return aws.failed(e)
  end,
  output = "{actor} tried {eventName} in {region} and got {error_code}",
  context = function(e)
    return { error_message = e.errorMessage }
  end,
  runbook = {
    about = "A traffic mirroring call failed. The error says why: missing permissions "
      .. "(UnauthorizedOperation, AccessDenied) or a source interface EC2 cannot mirror "
      .. "(NetworkInterfaceNotSupported). Either way the caller was trying to copy the "
      .. "packets of a network interface somewhere else.",
    risks = {
      "Network sniffing attempt: the next try, with a supported interface or more "
        .. "permissions, may succeed.",
      "A refused call from an identity that never works on networking suggests stolen "
        .. "credentials.",
      "Compliance: NIST 800-53 AC-4 (information flow) and SOC 2 CC7.2.",
    },
    console = {
      "1. CloudTrail > Event history: filter on User name = the actor and check for "
        .. "successful mirroring calls (aws.ec2.traffic_mirroring_changed) before or after "
        .. "this one.",
      "2. VPC > Traffic mirroring > Mirror sessions: confirm no session exists on the "
        .. "interface named in the failed request.",
      "3. Ask the actor's owner whether they are setting up packet capture; if not, treat "
        .. "the credentials as compromised.",
    },
    cli = {
      "aws ec2 describe-traffic-mirror-sessions",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
    },
  },
  tests = {
    { name = "unsupported interface", fires = true,
      event = "samples/traffic_mirror_session_failed.json",
      alert = { severity = "low",
                message = "arn:aws:iam::111122223333:user/alice tried "
                  .. "CreateTrafficMirrorSession in us-east-1 and got "
                  .. "Client.NetworkInterfaceNotSupported" } },
    { name = "denied", fires = true, event = "samples/traffic_mirror_session_denied.json" },
    { name = "success is traffic_mirroring_changed", fires = false,
      event = "samples/traffic_mirror_session.json" },
  },
}
