-- A test that expects the wrong message: vigil test shows the difference.
rule {
  id = "acme.broken.wrong_expectation",
  title = "Trail deleted",
  severity = "critical",
  on = { eventSource = "cloudtrail.amazonaws.com", eventName = "DeleteTrail" },
  output = "{actor} deleted trail {requestParameters.name}",
  tests = {
    { name = "deleted", fires = true,
      event = { eventSource = "cloudtrail.amazonaws.com", eventName = "DeleteTrail",
                eventTime = "2024-06-01T10:00:00Z",
                userIdentity = { arn = "arn:aws:iam::111122223333:user/mallory" },
                requestParameters = { name = "main" } },
      alert = { message = "arn:aws:iam::111122223333:user/mallory deleted trail audit" } },
  },
}
