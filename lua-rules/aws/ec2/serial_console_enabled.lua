-- EC2 serial console access enabled for the account (in one region).
--
-- The serial console is out-of-band: it reaches an instance's console port
-- through the EC2 API, without network paths, security groups or SSH keys.
-- Accounts keep it off unless someone needs it for break-glass debugging.
-- Fires whoever made the call, AWS services included: no automation has a
-- routine reason to open it. A failed call changed nothing: quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.ec2.serial_console_enabled",
  title = "EC2 serial console access enabled",
  severity = "medium",
  description = "A principal allowed EC2 serial console connections in a region, opening an "
    .. "access path to instances that bypasses network controls.",
  tags = { "attack.t1021", "attack.lateral_movement", "attack.t1562",
           "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableSerialConsoleAccess.html",
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-serial-console.html",
    "https://attack.mitre.org/techniques/T1021/",
  },
  on = { eventSource = "ec2.amazonaws.com", eventName = "EnableSerialConsoleAccess" },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} enabled EC2 serial console access in {region}",
  context = function(e)
    return { via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "EnableSerialConsoleAccess lifts the account-level block on the EC2 serial "
      .. "console in one region. With it on, anyone allowed ec2-instance-connect:"
      .. "SendSerialConsoleSSHPublicKey can attach to an instance's serial port, even when "
      .. "the instance has no network path, and log in with any local password account.",
    risks = {
      "Unauthorized access: the serial console ignores security groups, network ACLs and "
        .. "SSH key settings.",
      "Defense evasion: sessions on the serial port do not show up in VPC flow logs or "
        .. "network monitoring.",
      "Compliance: NIST 800-53 AC-17 (remote access) and CM-7 (least functionality); SOC 2 "
        .. "CC6.1.",
    },
    console = {
      "1. EC2 > Settings > EC2 Serial Console: check whether access is allowed in the "
        .. "region from the alert.",
      "2. Ask the actor for the incident or ticket that required it.",
      "3. When the work is done (or if there was none): choose Manage, clear Allow and "
        .. "Update.",
      "4. CloudTrail > Event history: filter on Event name = SendSerialConsoleSSHPublicKey "
        .. "to see which instances were reached through the console.",
    },
    cli = {
      "aws ec2 get-serial-console-access-status --region <region>",
      "aws ec2 disable-serial-console-access --region <region>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=SendSerialConsoleSSHPublicKey",
    },
  },
  tests = {
    { name = "enabled in the console", fires = true, event = "samples/serial_console_enabled.json",
      alert = { severity = "medium" } },
    { name = "denied call", fires = false, event = "samples/serial_console_enabled_denied.json" },
  },
}
