-- The id of a rule that is already loaded (acme/stop_logging.lua).
rule {
  id = "acme.cloudtrail.stop_logging",
  title = "Same id again",
  severity = "high",
  on = { eventName = "StopLogging" },
}
