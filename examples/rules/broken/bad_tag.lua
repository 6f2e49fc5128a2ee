-- An ATT&CK tag is checked for form: attack.t1562 or attack.t1562.008.
rule {
  id = "acme.broken.bad_tag",
  title = "Bad tag",
  severity = "high",
  tags = { "attack.t1562.8" },
  on = { eventName = "StopLogging" },
}
