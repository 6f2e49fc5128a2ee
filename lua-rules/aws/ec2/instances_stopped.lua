-- EC2 instances stopped (informational).
--
-- Stopping instances is everyday work, but it is also the first step of
-- tampering with them (user data can only be changed while stopped) and of
-- outages. Info: a record to correlate, not a page. Calls made by AWS
-- services for you (Systems Manager automations, scheduled maintenance)
-- stay quiet; failed calls too.
local aws = require "vigil.aws"

rule {
  id = "aws.ec2.instances_stopped",
  title = "EC2 instances stopped",
  severity = "info",
  description = "A principal stopped one or more EC2 instances.",
  tags = { "attack.t1489", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_StopInstances.html",
    "https://attack.mitre.org/techniques/T1489/",
  },
  on = { eventSource = "ec2.amazonaws.com", eventName = "StopInstances" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} stopped EC2 instance(s) starting with "
    .. "{requestParameters.instancesSet.items.1.instanceId} in {region}",
  context = function(e)
    local items = e["requestParameters.instancesSet.items"]
    local ids = {}
    for i = 1, items and #items or 0 do
      ids[#ids + 1] = items[i].instanceId
    end
    return { instances = table.concat(ids, ","), count = #ids,
             force = e["requestParameters.force"] == true }
  end,
  runbook = {
    about = "StopInstances shuts down EBS-backed instances; they keep their volumes and can "
      .. "be started again. While stopped, attributes such as user data and instance type can "
      .. "be changed, which is why a stop is often the first call of a tampering sequence.",
    risks = {
      "Availability: services on the instances are down until someone starts them.",
      "Tampering: look for ModifyInstanceAttribute (user data) or volume swaps between this "
        .. "stop and the next start.",
      "Compliance: SOC 2 A1.2 (availability commitments) and CC7.2.",
    },
    console = {
      "1. EC2 > Instances: filter on the instance IDs in the alert's context and check their "
        .. "state and tags (owner, environment).",
      "2. CloudTrail > Event history: filter on Resource name = an instance ID and look at "
        .. "the calls that followed (ModifyInstanceAttribute, DetachVolume, StartInstances).",
      "3. If nobody planned the stop, start the instances again (Instance state > Start "
        .. "instance) after checking their user data.",
    },
    cli = {
      "aws ec2 describe-instances --instance-ids <instance-id> "
        .. "--query 'Reservations[].Instances[].[InstanceId,State.Name,Tags]'",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<instance-id>",
      "aws ec2 start-instances --instance-ids <instance-id>",
    },
  },
  tests = {
    { name = "two instances stopped", fires = true, event = "samples/stop_instances.json",
      alert = { severity = "info",
                context = { instances = "i-0b5c6d7e8f9a0b1c2,i-0d6e7f8a9b0c1d2e3", count = 2,
                            force = false } } },
    { name = "stopped by Systems Manager", fires = false,
      event = "samples/stop_instances_service.json" },
    { name = "start is not a stop", fires = false, event = "samples/start_instances.json" },
    { name = "denied call", fires = false, event = "samples/stop_instances_denied.json" },
  },
}
