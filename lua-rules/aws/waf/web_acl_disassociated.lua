-- AWS WAF web ACL removed from a load balancer, API stage or other resource.
--
-- WAF (wafv2) and WAF Classic regional (waf-regional) records. Failed calls
-- stay quiet. AWS services are skipped: Firewall Manager re-applies its
-- policies through its service-linked role, disassociating and associating
-- web ACLs as routine remediation, and reports drift itself. A person doing
-- the same, in the console or the CLI, fires.
local aws = require "vigil.aws"
local data = require "vigil.data"

rule {
  id = "aws.waf.web_acl_disassociated",
  title = "AWS WAF web ACL disassociated from a resource",
  severity = "high",
  description = "A principal removed the AWS WAF web ACL protecting a load balancer, API "
    .. "Gateway stage, AppSync API, Cognito user pool or App Runner service.",
  tags = { "attack.t1562.007", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/waf/latest/APIReference/API_DisassociateWebACL.html",
    "https://attack.mitre.org/techniques/T1562/007/",
  },
  on = { eventSource = { "wafv2.amazonaws.com", "waf-regional.amazonaws.com" },
         eventName = "DisassociateWebACL" },
  when = function(e)
    return aws.succeeded(e) and not data.is_service_caller(e)
  end,
  output = "{actor} removed the WAF web ACL from {requestParameters.resourceArn}",
  context = function(e)
    return { waf_classic = e.eventSource == "waf-regional.amazonaws.com",
             via_console = aws.is_console(e) }
  end,
  runbook = {
    about = "A web ACL filters HTTP requests before they reach an application: managed "
      .. "rule groups against injection and known bad inputs, IP block lists, rate "
      .. "limits, bot control. DisassociateWebACL detaches it from the resource named in "
      .. "the alert, which from that moment takes every request unfiltered. The web ACL "
      .. "itself still exists, so the WAF console looks unchanged.",
    risks = {
      "Defense evasion (disable or modify cloud firewall): attacks the web ACL blocked "
        .. "(SQL injection, exploit payloads, credential stuffing) now reach the "
        .. "application.",
      "Rate limits and IP blocks stop applying, opening the resource to abuse and "
        .. "denial of service.",
      "Compliance: PCI DSS v4.0 6.4.2 expects an automated technical solution (such as "
        .. "a WAF) in front of public-facing web applications.",
    },
    console = {
      "1. AWS WAF > Web ACLs (in the region of the resource; CloudFront uses Global): "
        .. "open the web ACL that protected the resource.",
      "2. Associated AWS resources > Add AWS resources: select the resource from the "
        .. "alert and choose Add.",
      "3. Check the resource's recent traffic (WAF sampled requests, load balancer "
        .. "access logs) for attacks during the gap.",
      "4. Ask the actor why it was removed; an emergency rollback should come with a "
        .. "ticket.",
    },
    cli = {
      "aws wafv2 get-web-acl-for-resource --resource-arn <resource-arn>",
      "aws wafv2 list-web-acls --scope REGIONAL --region <region>",
      "aws wafv2 associate-web-acl --web-acl-arn <web-acl-arn> --resource-arn <resource-arn>",
    },
  },
  tests = {
    { name = "web ACL removed from a load balancer", fires = true,
      event = "samples/disassociate_web_acl.json",
      alert = { severity = "high", context = { waf_classic = false, via_console = false } } },
    { name = "removed in the console (source AWS Internal)", fires = true,
      event = "samples/disassociate_web_acl_console.json",
      alert = { context = { waf_classic = false, via_console = true } } },
    { name = "WAF Classic regional", fires = true,
      event = "samples/disassociate_web_acl_regional.json",
      alert = { context = { waf_classic = true, via_console = false } } },
    { name = "Firewall Manager remediation", fires = false,
      event = "samples/disassociate_web_acl_fms.json" },
    { name = "denied call", fires = false, event = "samples/disassociate_web_acl_denied.json" },
    { name = "listing web ACLs", fires = false, event = "samples/list_web_acls.json" },
  },
}
