-- VPC Traffic Mirroring set up, changed or torn down.
--
-- A mirror session copies every packet of a network interface to a target
-- (another interface or a load balancer) that may sit in another VPC or
-- account. Few teams use it; an unplanned session is a wiretap. AWS
-- services acting for you (a network monitoring product's stack) stay
-- quiet, as for the pack's other medium rules. Failed attempts are
-- aws.ec2.traffic_mirroring_failed.
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
  id = "aws.ec2.traffic_mirroring_changed",
  title = "VPC traffic mirroring changed",
  severity = "medium",
  description = "A principal created, changed or deleted a traffic mirror session, target, "
    .. "filter or filter rule.",
  tags = { "attack.t1040", "attack.credential_access", "attack.discovery",
           "attack.t1020", "attack.exfiltration" },
  references = {
    "https://docs.aws.amazon.com/vpc/latest/mirroring/what-is-traffic-mirroring.html",
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/"
      .. "API_CreateTrafficMirrorSession.html",
    "https://attack.mitre.org/techniques/T1040/",
  },
  on = { eventSource = "ec2.amazonaws.com", eventName = names },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} called {eventName} in {region}",
  context = function(e)
    local req = e.requestParameters and e["requestParameters." .. e.eventName .. "Request"]
    return { via_console = aws.is_console(e),
             interface = req and req.NetworkInterfaceId or nil,
             target = req and req.TrafficMirrorTargetId or nil }
  end,
  runbook = {
    about = "VPC Traffic Mirroring copies the packets of a network interface to a target: a "
      .. "session ties a source interface, a filter (which traffic) and a target (where the "
      .. "copy goes). Creating one lets the target's owner read everything that interface "
      .. "sends and receives in clear; deleting one afterwards hides that it existed.",
    risks = {
      "Network sniffing: unencrypted traffic (internal HTTP, database protocols, "
        .. "credentials in transit) is copied to the target.",
      "Exfiltration: the target can be an interface in another account reached through "
        .. "peering or a load balancer.",
      "Compliance: NIST 800-53 SC-7 (boundary protection) and AC-4 (information flow); PCI "
        .. "DSS 4.2.1 where mirrored traffic carries account data in clear inside the VPC.",
    },
    console = {
      "1. VPC > Traffic mirroring > Mirror sessions: find sessions on the interface in the "
        .. "alert's context; note their target and filter.",
      "2. VPC > Traffic mirroring > Mirror targets: check who owns the target interface or "
        .. "load balancer (EC2 > Network Interfaces, owner and attachment).",
      "3. If the session is not part of a known monitoring setup, select it and choose "
        .. "Delete, then delete the target and filter.",
      "4. CloudTrail > Event history: filter on User name = the actor; look for the other "
        .. "mirroring calls and for peering or security group changes that reach the target.",
    },
    cli = {
      "aws ec2 describe-traffic-mirror-sessions",
      "aws ec2 describe-traffic-mirror-targets",
      "aws ec2 delete-traffic-mirror-session --traffic-mirror-session-id <session-id>",
      "aws ec2 describe-network-interfaces --network-interface-ids <eni-id>",
    },
  },
  tests = {
    { name = "mirror session created", fires = true,
      event = "samples/traffic_mirror_session.json",
      alert = { severity = "medium",
                context = { via_console = false, interface = "eni-0f1e2d3c4b5a69788",
                            target = "tmt-0c1d2e3f4a5b6c7d8" } } },
    { name = "mirror target created in the console", fires = true,
      event = "samples/traffic_mirror_target_console.json" },
    { name = "mirror session deleted", fires = true,
      event = "samples/traffic_mirror_session_deleted.json" },
    { name = "filter created by a CloudFormation stack", fires = false,
      event = "samples/traffic_mirror_filter_cfn.json" },
    { name = "failed attempt is traffic_mirroring_failed", fires = false,
      event = "samples/traffic_mirror_session_failed.json" },
  },
}
