-- A change to a rule of the bundled pack, without editing the pack: load it
-- after the pack (vigil scan --rules <pack> --rules pack-overrides).
override {
  id = "aws.iam.create_user",
  reason = "terraform-ci creates the users of every new team",
  exceptions = {
    { field = "userIdentity.sessionContext.sessionIssuer.arn",
      values = { "arn:aws:iam::111122223333:role/terraform-ci" } },
  },
  tests = {
    { name = "terraform-ci is exempt", fires = false,
      event = { eventSource = "iam.amazonaws.com", eventName = "CreateUser",
                eventTime = "2024-06-01T10:00:00Z",
                requestParameters = { userName = "team-7-deployer" },
                userIdentity = { type = "AssumedRole",
                  arn = "arn:aws:sts::111122223333:assumed-role/terraform-ci/run-7",
                  sessionContext = { sessionIssuer = {
                    arn = "arn:aws:iam::111122223333:role/terraform-ci" } } } } },
  },
}
