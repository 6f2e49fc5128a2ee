-- Deduplication: one alert per principal per hour; the next alert says how
-- many calls it stands for.
local aws = require "vigil.aws"
local ev = require "acme.events"

local function created(seconds)
  return ev.event("iam.amazonaws.com", "CreateAccessKey", seconds, nil,
                  { requestParameters = { userName = "mallory" } })
end

rule {
  id = "acme.iam.access_key_created",
  title = "Access key created",
  severity = "low",
  description = "A long-lived access key was created.",
  tags = { "attack.t1098.001", "attack.persistence" },
  references = { "https://docs.aws.amazon.com/IAM/latest/APIReference/"
                 .. "API_CreateAccessKey.html" },
  on = { eventSource = "iam.amazonaws.com", eventName = "CreateAccessKey" },
  when = function(e) return aws.succeeded(e) end,
  dedup = { window = "1h" },                          -- key: the actor, by default
  output = "{actor} created an access key for {requestParameters.userName}",
  runbook = {
    about = "Access keys do not expire; one made by an intruder outlives a password reset.",
    risks = { "Persistence through a key nobody tracks." },
    console = { "1. IAM > Users > the user > Security credentials: check the key is known." },
    cli = { "aws iam list-access-keys --user-name <user>" },
  },
  tests = {
    { name = "first key alerts", event = created(0), fires = true,
      alert = { duplicates = 1 } },
    { name = "three keys in half an hour: one alert", fires = false, alerts = 1,
      events = { created(0), created(600), created(1800) } },
    { name = "the next hour's alert counts the folded ones", fires = true, alerts = 2,
      events = { created(0), created(600), created(1800), created(4200) },
      alert = { duplicates = 3 } },
  },
}
