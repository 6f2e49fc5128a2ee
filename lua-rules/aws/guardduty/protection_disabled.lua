-- GuardDuty protection plans switched off while the detector stays on.
--
-- Reads UpdateDetector's features (status DISABLED, also inside
-- additionalConfiguration) and the older dataSources form (enable false,
-- ebsVolumes false). A suspended detector is aws.guardduty.detector_disabled.
-- Failed calls stay quiet; so do AWS services (organization auto-enable and
-- landing-zone stacks adjust plans routinely).
local aws = require "vigil.aws"
local data = require "vigil.data"

-- Names of the plans or settings the call turned off.
local function turned_off(e)
  local out = {}
  for _, f in ipairs(data.list(e["requestParameters.features"])) do
    if f.status == "DISABLED" then
      out[#out + 1] = f.name
    end
    for _, c in ipairs(data.list(f.additionalConfiguration)) do
      if c.status == "DISABLED" then
        out[#out + 1] = tostring(f.name) .. "/" .. tostring(c.name)
      end
    end
  end
  local function walk(node, path)
    for k, v in pairs(node) do
      if type(v) == "table" then
        walk(v, path .. k .. ".")
      elseif v == false and (k == "enable" or k == "ebsVolumes") then
        out[#out + 1] = path .. k
      end
    end
  end
  local ds = data.doc(e["requestParameters.dataSources"])
  if ds then
    walk(ds, "dataSources.")
  end
  table.sort(out)
  return out
end

rule {
  id = "aws.guardduty.protection_disabled",
  title = "GuardDuty protection plan switched off",
  severity = "medium",
  description = "A principal turned off one or more GuardDuty protection plans (S3, EKS, "
    .. "malware, runtime, RDS, Lambda) while leaving the detector on.",
  tags = { "attack.t1562.001", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateDetector.html",
    "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-features-activation-model.html",
    "https://attack.mitre.org/techniques/T1562/001/",
  },
  on = { eventSource = "guardduty.amazonaws.com", eventName = "UpdateDetector" },
  when = function(e)
    return aws.succeeded(e) and not aws.is_aws_service(e)
      and not data.is_false(e["requestParameters.enable"]) and #turned_off(e) > 0
  end,
  output = "{actor} switched off GuardDuty protection on detector "
    .. "{requestParameters.detectorId} in {region}",
  context = function(e)
    return { disabled = turned_off(e), via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "GuardDuty protection plans extend the detector beyond its base sources: S3 "
      .. "data events, EKS audit logs, runtime monitoring, malware scanning of EBS "
      .. "volumes, RDS login activity, Lambda network activity. UpdateDetector turned one "
      .. "or more off (the alert's context names them). The detector still runs, so "
      .. "GuardDuty looks healthy, but threats in the switched-off area raise no finding.",
    risks = {
      "Defense evasion (disable or modify tools): with S3 protection off, bulk reads "
        .. "and deletes of bucket data are no longer analysed; with malware protection "
        .. "off, infected instances are not scanned.",
      "Silent coverage loss: dashboards that only check that GuardDuty is enabled stay "
        .. "green.",
      "Compliance: PCI DSS 11.5.1 (intrusion detection) and 5.2.1 (anti-malware, for "
        .. "Malware Protection); NIST 800-53 SI-4; AWS Security Hub's GuardDuty protection-plan "
        .. "controls fail.",
    },
    console = {
      "1. GuardDuty (in the region from the alert): open each protection plan named in "
        .. "the alert (S3 Protection, EKS Protection, Runtime Monitoring, Malware "
        .. "Protection, RDS Protection, Lambda Protection) and choose Enable.",
      "2. In an organization, check the plan's auto-enable setting for member accounts "
        .. "from the GuardDuty administrator account.",
      "3. Ask the actor why the plan was turned off; cost reductions should come with a "
        .. "ticket.",
    },
    cli = {
      "aws guardduty get-detector --detector-id <detector-id> --region <region>",
      "aws guardduty update-detector --detector-id <detector-id> --features "
        .. "Name=S3_DATA_EVENTS,Status=ENABLED --region <region>",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --region <region>",
    },
  },
  tests = {
    { name = "S3 protection and an add-on off", fires = true,
      event = "samples/update_detector_features_off.json",
      alert = { severity = "medium",
                context = { disabled = { "RUNTIME_MONITORING/EKS_ADDON_MANAGEMENT",
                                         "S3_DATA_EVENTS" },
                            via_console = false } } },
    { name = "older dataSources form", fires = true,
      event = "samples/update_detector_datasources_off.json",
      alert = { context = { disabled = {
        "dataSources.malwareProtection.scanEc2InstanceWithFindings.ebsVolumes",
        "dataSources.s3Logs.enable" }, via_console = false } } },
    { name = "plans switched on", fires = false,
      event = "samples/update_detector_features_on.json" },
    { name = "whole detector suspended is detector_disabled's", fires = false,
      event = "samples/update_detector_disable.json" },
    { name = "denied call changed nothing", fires = false,
      event = "samples/update_detector_features_off_denied.json" },
    { name = "made by a CloudFormation stack (invokedBy) is routine", fires = false,
      event = "samples/update_detector_features_off_cfn.json" },
  },
}
