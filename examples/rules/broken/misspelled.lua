-- A misspelled key is a load error, not silently ignored (docs/rules.md).
rule {
  id = "acme.broken.misspelled",
  title = "Misspelled key",
  severty = "high",
  on = { eventName = "StopLogging" },
}
