-- An SSH key pair imported into EC2.
--
-- ImportKeyPair registers a public key whose private half lives outside
-- AWS; instances launched with it accept that key for their default user.
-- Low: people and bootstrap code import keys routinely, but an unknown key
-- appearing before RunInstances is a known persistence path. AWS services
-- acting for you stay quiet, as for the pack's other low rules; failed
-- calls too. (CreateKeyPair, where AWS generates the key and hands the
-- private half to the caller, is not watched here.)
local aws = require "vigil.aws"

rule {
  id = "aws.ec2.key_pair_imported",
  title = "SSH key pair imported into EC2",
  severity = "low",
  description = "A principal imported a public key as an EC2 key pair; instances launched with "
    .. "it accept the matching private key for SSH.",
  tags = { "attack.t1098.004", "attack.persistence" },
  references = {
    "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImportKeyPair.html",
    "https://attack.mitre.org/techniques/T1098/004/",
  },
  on = { eventSource = "ec2.amazonaws.com", eventName = "ImportKeyPair" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
  end,
  output = "{actor} imported EC2 key pair {requestParameters.keyName} in {region}",
  context = function(e)
    return { via_console = aws.is_console(e),
             fingerprint = e["responseElements.keyFingerprint"] }
  end,
  runbook = {
    about = "ImportKeyPair stores a public key under a name in one region. Any instance "
      .. "launched with that key name gets the key in its default user's authorized_keys, so "
      .. "whoever holds the private key can log in. Only the fingerprint is recorded.",
    risks = {
      "Persistence: an attacker imports their own key, then launches or relaunches "
        .. "instances with it to keep shell access.",
      "Unauthorized access: keys from personal laptops end up on production hosts without "
        .. "the access review your SSH bastion or Session Manager would apply.",
      "Compliance: NIST 800-53 IA-5 (authenticator management) and SOC 2 CC6.1: a key "
        .. "nobody issued through the usual process now opens instances.",
    },
    console = {
      "1. EC2 > Network & Security > Key Pairs: find the key name from the alert and compare "
        .. "its fingerprint with the one in the alert's context.",
      "2. EC2 > Instances: filter on Key pair name = that name to see instances launched "
        .. "with it.",
      "3. Ask the actor whose key it is and why it was needed.",
      "4. If nobody owns it: delete the key pair, and on instances launched with it remove "
        .. "the key from ~/.ssh/authorized_keys (or replace the instances).",
    },
    cli = {
      "aws ec2 describe-key-pairs --key-names <key-name>",
      "aws ec2 describe-instances --filters Name=key-name,Values=<key-name> "
        .. "--query 'Reservations[].Instances[].InstanceId'",
      "aws ec2 delete-key-pair --key-name <key-name>",
    },
  },
  tests = {
    { name = "key imported from the CLI", fires = true, event = "samples/import_key_pair.json",
      alert = { severity = "low",
                context = { via_console = false,
                            fingerprint = "6c:1d:2e:3f:40:51:62:73:84:95:a6:b7:c8:d9:ea:fb" } } },
    { name = "CloudFormation stack", fires = false, event = "samples/import_key_pair_cfn.json" },
    { name = "denied call", fires = false, event = "samples/import_key_pair_denied.json" },
  },
}
