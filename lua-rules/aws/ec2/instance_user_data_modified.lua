-- An instance's user data replaced (ModifyInstanceAttribute userData).
--
-- User data scripts run as root when the instance boots (cloud-init), so
-- replacing them is a way to run code on the next start. CloudTrail records
-- the change in two shapes: userData at the top of requestParameters
-- (modify-instance-attribute --user-data) or attribute = "userData" with a
-- value; the script itself is always redacted. Fires whoever made the
-- call, AWS services included: no routine automation rewrites the boot
-- script of a running fleet. Other attributes and failed calls stay quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.ec2.instance_user_data_modified",
  title = "EC2 instance user data modified",
  severity = "high",
  description = "A principal replaced the user data (boot script) of an EC2 instance; it runs "
    .. "with root privileges the next time the instance starts.",
  tags = { "attack.t1059", "attack.execution", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceAttribute.html",
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html",
    "https://attack.mitre.org/techniques/T1059/",
  },
  on = { eventSource = "ec2.amazonaws.com", eventName = "ModifyInstanceAttribute" },
  when = function(e)
    return aws.succeeded(e)
      and (e["requestParameters.userData"] ~= nil
           or e["requestParameters.attribute"] == "userData")
  end,
  output = "{actor} replaced the user data of instance {requestParameters.instanceId}",
  context = function(e)
    return { via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "ModifyInstanceAttribute can replace an instance's user data while the instance "
      .. "is stopped. Whatever script is placed there runs as root through cloud-init (or "
      .. "EC2Launch on Windows) at the next start, with the instance role's credentials at "
      .. "hand. CloudTrail never records the new script, only that it changed; the usual "
      .. "sequence is StopInstances, ModifyInstanceAttribute, StartInstances.",
    risks = {
      "Execution and persistence: a script in user data can add users or keys, install a "
        .. "backdoor, or read the instance role's credentials from the metadata service.",
      "Privilege escalation: whoever may change user data effectively acts with the "
        .. "instance role's permissions.",
      "Data exposure: user data often holds bootstrap secrets; anyone with "
        .. "DescribeInstanceAttribute can read them back.",
      "Compliance: SOC 2 CC8.1 and NIST 800-53 CM-3 (changes go through change control); "
        .. "PCI DSS 6.5.1 for instances in scope.",
    },
    console = {
      "1. EC2 > Instances: select the instance from the alert, Actions > Instance settings > "
        .. "Edit user data, and read the current script.",
      "2. If the script is not what your launch template or image defines, stop the instance "
        .. "before it boots with it (or isolate it with a security group without rules).",
      "3. Restore the expected user data from the launch template, or replace the instance.",
      "4. CloudTrail > Event history: filter on Resource name = the instance ID and look for "
        .. "StopInstances / StartInstances around the change and who made them.",
      "5. If the instance already booted with the new script, treat it as compromised: "
        .. "snapshot its volumes for forensics and revoke the instance role's sessions.",
    },
    cli = {
      "aws ec2 describe-instance-attribute --instance-id <instance-id> --attribute userData "
        .. "--query UserData.Value --output text | base64 -d",
      "aws ec2 stop-instances --instance-ids <instance-id>",
      "aws ec2 modify-instance-attribute --instance-id <instance-id> "
        .. "--attribute userData --value file://expected-user-data.txt",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<instance-id>",
    },
  },
  tests = {
    { name = "user data set from the CLI", fires = true, event = "samples/modify_user_data.json",
      alert = { severity = "high",
                message = "arn:aws:iam::111122223333:user/alice replaced the user data of "
                  .. "instance i-0b5c6d7e8f9a0b1c2" } },
    { name = "attribute/value form", fires = true,
      event = "samples/modify_user_data_attribute.json" },
    { name = "through CloudFormation still fires", fires = true,
      event = "samples/modify_user_data_cfn.json" },
    { name = "instance type changed", fires = false, event = "samples/modify_instance_type.json" },
    { name = "termination protection changed", fires = false,
      event = "samples/modify_termination_protection.json" },
    { name = "denied call", fires = false, event = "samples/modify_user_data_denied.json" },
  },
}
