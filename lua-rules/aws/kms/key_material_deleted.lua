-- Imported key material deleted from a KMS key (BYOK keys, origin EXTERNAL).
--
-- Unlike ScheduleKeyDeletion there is no waiting period: the key becomes
-- unusable at once, and only whoever holds a copy of the material can bring
-- it back. An attacker who imported their own material (ImportKeyMaterial)
-- and then deletes it holds the data to ransom. Failed calls stay quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.kms.key_material_deleted",
  title = "Imported key material deleted from a KMS key",
  severity = "high",
  description = "A principal deleted the imported key material of a KMS key; the key stops "
    .. "working immediately, with no waiting period.",
  tags = { "attack.t1485", "attack.t1486", "attack.impact" },
  references = {
    "https://docs.aws.amazon.com/kms/latest/APIReference/API_DeleteImportedKeyMaterial.html",
    "https://docs.aws.amazon.com/kms/latest/developerguide/"
      .. "importing-keys-delete-key-material.html",
  },
  on = { eventSource = "kms.amazonaws.com", eventName = "DeleteImportedKeyMaterial" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} deleted the imported key material of KMS key {requestParameters.keyId}",
  context = function(e)
    return { via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "DeleteImportedKeyMaterial removes key material that was imported into a KMS key "
      .. "(keys with origin EXTERNAL). The key moves to PendingImport and cannot encrypt or "
      .. "decrypt until the same material is imported again; AWS keeps no copy.",
    risks = {
      "Impact (data encrypted for ransom): if only the attacker holds the material, "
        .. "everything under the key is unreadable for the owner.",
      "Outage: every service using the key fails at once; there is no waiting period to cancel.",
      "Compliance: CIS AWS Foundations Benchmark 4.7 (alarm on key disabling and deletion); "
        .. "PCI DSS 3.6 key management procedures.",
    },
    console = {
      "1. KMS > Customer managed keys: open the key; status reads Pending import.",
      "2. Find who holds the original key material (your key custodian or HSM).",
      "3. Key material tab > Import key material: download a wrapping key and import token, "
        .. "then upload the same material.",
      "4. Review the actor's other calls in CloudTrail > Event history, especially "
        .. "ImportKeyMaterial calls on the same key.",
    },
    cli = {
      "aws kms describe-key --key-id <key-id>",
      "aws kms get-parameters-for-import --key-id <key-id> "
        .. "--wrapping-algorithm RSAES_OAEP_SHA_256 --wrapping-key-spec RSA_2048",
      "aws kms import-key-material --key-id <key-id> --encrypted-key-material "
        .. "fileb://<material.bin> --import-token fileb://<token.bin> "
        .. "--expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=ResourceName,AttributeValue=<key-id>",
    },
  },
  tests = {
    { name = "user deletes the material", fires = true,
      event = "samples/delete_imported_key_material.json", alert = { severity = "high" } },
    { name = "denied", fires = false, event = "samples/delete_imported_key_material_denied.json" },
    { name = "deleted by an AWS service", fires = false,
      event = { eventSource = "kms.amazonaws.com", eventName = "DeleteImportedKeyMaterial",
                eventTime = "2024-03-14T11:03:10Z",
                userIdentity = { type = "AWSService", invokedBy = "cloudformation.amazonaws.com" },
                requestParameters = { keyId = "k-1" } } },
  },
}
