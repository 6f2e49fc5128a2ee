-- An IAM user added to an administrators group.
--
-- AddUserToGroup where the group name matches vigil.identity
-- admin_group_patterns ("admin" by default; tune per site to your naming).
-- A name is only a hint of what the group grants; sites whose admin groups
-- are named otherwise add their pattern. Fires through AWS services too:
-- an admin grant matters whichever path made it. A failed call: quiet.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

rule {
  id = "aws.iam.add_user_to_admin_group",
  title = "IAM user added to an administrators group",
  severity = "high",
  description = "A principal added an IAM user to a group whose name marks it as an "
    .. "administrators group.",
  tags = { "attack.t1098", "attack.privilege_escalation", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AddUserToGroup.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = "AddUserToGroup" },
  when = function(e)
    return aws.succeeded(e) and identity.is_admin_group(e["requestParameters.groupName"])
  end,
  output = "{actor} added user {requestParameters.userName} to group "
    .. "{requestParameters.groupName}",
  context = function(e)
    return { self = e["requestParameters.userName"] == e["userIdentity.userName"],
             via_console = aws.is_console(e), invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "AddUserToGroup made an IAM user a member of a group whose name says it holds "
      .. "administrator rights. The user gets every policy of the group at once, through "
      .. "both its password and its access keys.",
    risks = {
      "Privilege escalation: a user adding itself (context self = true) to an admin group "
        .. "has escalated.",
      "Persistence: a backdoor user made admin by group membership does not show up in "
        .. "reviews that only look at attached policies.",
      "Least privilege: admin membership should be few and approved (CIS AWS Foundations "
        .. "Benchmark v1.2.0 1.16 asks that permissions come through groups or roles, which "
        .. "makes group membership the thing to watch).",
    },
    console = {
      "1. IAM > User groups: open the group; check its Permissions tab really grants admin "
        .. "rights and its Users tab for the new member.",
      "2. Ask the actor and the user's owner whether the membership is approved.",
      "3. If not: select the user on the Users tab and choose Remove users.",
      "4. CloudTrail > Event history: filter on User name = the user to see what it did as "
        .. "a member.",
    },
    cli = {
      "aws iam get-group --group-name <group>",
      "aws iam list-attached-group-policies --group-name <group>",
      "aws iam remove-user-from-group --group-name <group> --user-name <user>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
    },
  },
  tests = {
    { name = "service user adds itself to Administrators", fires = true,
      event = "samples/add_user_to_admin_group.json",
      alert = { context = { self = true, via_console = false } } },
    { name = "through CloudFormation", fires = true,
      event = "samples/add_user_to_admin_group_cfn.json" },
    { name = "ordinary group", fires = false, event = "samples/add_user_to_group.json" },
    { name = "denied call", fires = false, event = "samples/add_user_to_admin_group_denied.json" },
  },
}
