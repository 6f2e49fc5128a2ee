-- Our site's changes to the acme rules, kept apart from them: load this
-- folder after the rules (vigil scan --rules acme --rules overrides).
override {
  id = "acme.recon.caller_identity",
  enabled = false,
  reason = "every CI job calls it",
}

override {
  id = "acme.auth.access_denied_burst",
  severity = "high",
  reason = "payments has no reason to be refused anything",
}

-- Exceptions by field value: the alert is dropped when the field holds one
-- of the values.
override {
  id = "acme.iam.write_spree",
  reason = "terraform-ci applies whole IAM stacks at once",
  exceptions = {
    { field = "userIdentity.sessionContext.sessionIssuer.arn",
      values = { "arn:aws:iam::111122223333:role/terraform-ci" } },
  },
  tests = {
    { name = "terraform-ci is exempt", fires = false,
      events = require("acme.events").spree(require("acme.events").iam_writes,
        "arn:aws:sts::111122223333:assumed-role/terraform-ci/run-7",
        { userIdentity = { type = "AssumedRole",
          arn = "arn:aws:sts::111122223333:assumed-role/terraform-ci/run-7",
          sessionContext = { sessionIssuer = {
            arn = "arn:aws:iam::111122223333:role/terraform-ci" } } } }) },
  },
}

-- An exception as a function of the event.
override {
  id = "acme.iam.access_key_created",
  reason = "the key rotator makes a new key for itself every day",
  exceptions = {
    function(e)
      return (e.userAgent or ""):find("^key%-rotator/") ~= nil
        and e["requestParameters.userName"] == e["userIdentity.userName"]
    end,
  },
  tests = {
    { name = "the rotator's own key", fires = false,
      event = { eventSource = "iam.amazonaws.com", eventName = "CreateAccessKey",
                eventTime = "2024-06-01T10:00:00Z", userAgent = "key-rotator/1.2",
                userIdentity = { type = "IAMUser", userName = "svc-rotation" },
                requestParameters = { userName = "svc-rotation" } } },
    { name = "a key for someone else still alerts", fires = true,
      event = { eventSource = "iam.amazonaws.com", eventName = "CreateAccessKey",
                eventTime = "2024-06-01T10:00:00Z", userAgent = "key-rotator/1.2",
                userIdentity = { type = "IAMUser", userName = "svc-rotation" },
                requestParameters = { userName = "mallory" } } },
  },
}
