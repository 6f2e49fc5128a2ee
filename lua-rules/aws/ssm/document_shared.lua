-- An SSM document shared publicly or with another account.
--
-- Documents often carry scripts with internal hostnames, paths and, too
-- often, credentials. ModifyDocumentPermission with "All" publishes the
-- document to every AWS account (high); named accounts that are not ours
-- (nor in vigil.data.trusted_accounts) get a copy they can run (medium).
-- Removing accounts and failed calls stay quiet. A stack sharing with named
-- accounts is routine (AWS services are skipped for the medium case, as in
-- the rest of the pack); a stack publishing to All still fires high, since a
-- public document is just as public whoever made it so.
local aws = require "vigil.aws"
local data = require "vigil.data"
local cases = require "vigil.cases"

local function added(e)
  local public, foreign = false, {}
  if not aws.succeeded(e) then
    return nil
  end
  for _, a in ipairs(data.list(e["requestParameters.accountIdsToAdd"])) do
    if type(a) == "string" and a:lower() == "all" then
      public = true
    elseif type(a) == "string" and not data.is_own_account(e, a) then
      foreign[#foreign + 1] = a
    end
  end
  if not public and (#foreign == 0 or aws.is_aws_service(e)) then
    return nil
  end
  return { public = public, accounts = foreign }
end

local function share(add, err)
  return { eventSource = "ssm.amazonaws.com", eventName = "ModifyDocumentPermission",
           eventTime = "2024-03-14T11:40:00Z", recipientAccountId = "111122223333",
           errorCode = err,
           userIdentity = { type = "IAMUser", accountId = "111122223333",
                            arn = "arn:aws:iam::111122223333:user/alice" },
           requestParameters = { name = "patch-db-hosts", permissionType = "Share",
                                 accountIdsToAdd = add } }
end

rule {
  id = "aws.ssm.document_shared",
  title = "SSM document shared publicly or with another account",
  severity = function(e)
    local x = added(e)
    return (x and x.public) and "high" or "medium"
  end,
  description = "ModifyDocumentPermission shared a Systems Manager document with all AWS "
    .. "accounts, or with accounts outside your own.",
  tags = { "attack.t1537", "attack.exfiltration", "attack.t1552", "attack.credential_access" },
  references = {
    "https://docs.aws.amazon.com/systems-manager/latest/APIReference/"
      .. "API_ModifyDocumentPermission.html",
    "https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-ssm-sharing.html",
  },
  on = { eventSource = "ssm.amazonaws.com", eventName = "ModifyDocumentPermission" },
  when = function(e)
    return added(e) ~= nil
  end,
  output = "{actor} shared SSM document {requestParameters.name} outside the account",
  context = function(e)
    local x = added(e)
    return { public = x.public, other_accounts = data.nonempty(x.accounts) }
  end,
  runbook = {
    about = "ModifyDocumentPermission (permissionType Share) lets other AWS accounts see and "
      .. "run a Systems Manager document. \"All\" makes it public: any AWS account can read "
      .. "its content, including scripts, parameters and anything embedded in them.",
    risks = {
      "Exposure of internal details and embedded credentials in the document's steps.",
      "Supply chain: other accounts (or your own, if a name is reused) may run a document "
        .. "an attacker later changes.",
      "Compliance: AWS Foundational Security Best Practices SSM.4 (documents should not be "
        .. "public); SOC 2 CC6.1.",
    },
    console = {
      "1. Systems Manager > Documents > Owned by me: open the document from the alert, "
        .. "Permissions tab.",
      "2. Check whether Public is selected or which account ids are listed; ask the actor why.",
      "3. If not intended: choose Private (or remove the accounts) and Save.",
      "4. Read the document's content for secrets; rotate any found.",
      "5. Settings: turn on Block public sharing for documents in each region.",
    },
    cli = {
      "aws ssm describe-document-permission --name <document> --permission-type Share",
      "aws ssm modify-document-permission --name <document> --permission-type Share "
        .. "--account-ids-to-remove All",
      "aws ssm update-service-setting --setting-id "
        .. "/ssm/documents/console/public-sharing-permission --setting-value Disable",
    },
  },
  tests = {
    { name = "shared with All", fires = true, event = share({ "All" }),
      alert = { severity = "high", context = { public = true } } },
    { name = "shared with another account", fires = true, event = share({ "444455556666" }),
      alert = { severity = "medium", context = { public = false,
                                                 other_accounts = { "444455556666" } } } },
    { name = "shared with our own account", fires = false, event = share({ "111122223333" }) },
    { name = "denied", fires = false, event = share({ "All" }, "AccessDenied") },
    { name = "removing accounts", fires = false,
      event = { eventSource = "ssm.amazonaws.com", eventName = "ModifyDocumentPermission",
                eventTime = "2024-03-14T11:40:00Z",
                userIdentity = { type = "IAMUser", arn = "arn:aws:iam::111122223333:user/a" },
                requestParameters = { name = "d", permissionType = "Share",
                                      accountIdsToRemove = { "All" } } } },
    { name = "published to All through a CloudFormation stack still fires", fires = true,
      event = cases.through_stack(share({ "All" })), alert = { severity = "high" } },
    { name = "shared with another account by a stack is routine", fires = false,
      event = cases.through_stack(share({ "444455556666" })) },
  },
}
