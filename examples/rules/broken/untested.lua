-- Loads and runs, but is not ready to ship: vigil lint says why.
rule {
  id = "acme.broken.untested",
  title = "Trail updated",
  severity = "medium",
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "UpdateTrail" },
  tests = {
    { name = "updated", fires = true,
      event = { eventSource = "cloudtrail.amazonaws.com", eventName = "UpdateTrail",
                eventTime = "2024-06-01T10:00:00Z" } },
  },
}
