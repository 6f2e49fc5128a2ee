-- A CloudTrail Lake event data store deleted, or its ingestion stopped.
--
-- Either call stops the store receiving events; deletion also starts the
-- countdown to losing the events it holds. Fires on every success, AWS
-- services included, as stop_logging does. Failed calls changed nothing and
-- stay quiet.
local aws = require "vigil.aws"

rule {
  id = "aws.cloudtrail.event_data_store_deleted",
  title = "CloudTrail Lake event data store deleted or stopped",
  severity = "high",
  description = "A principal deleted a CloudTrail Lake event data store or stopped its "
    .. "ingestion; the store records nothing more.",
  tags = { "attack.t1562.008", "attack.t1070", "attack.defense_evasion" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DeleteEventDataStore.html",
    "https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/"
      .. "API_StopEventDataStoreIngestion.html",
    "https://attack.mitre.org/techniques/T1562/008/",
  },
  on = { eventSource = "cloudtrail.amazonaws.com",
         eventName = { "DeleteEventDataStore", "StopEventDataStoreIngestion" } },
  when = function(e)
    return aws.succeeded(e)
  end,
  output = "{actor} called {eventName} on {requestParameters.eventDataStore}",
  context = function(e)
    return { deleted = e.eventName == "DeleteEventDataStore", via_console = aws.is_console(e),
             invoked_by = e["userIdentity.invokedBy"] }
  end,
  runbook = {
    about = "A CloudTrail Lake event data store keeps CloudTrail events for SQL queries, "
      .. "often for years. StopEventDataStoreIngestion stops new events arriving; "
      .. "DeleteEventDataStore stops ingestion and puts the store in PENDING_DELETION. A "
      .. "pending store can be restored for 7 days, after which it and its events are "
      .. "gone. Termination protection must be off before a delete succeeds, so a delete "
      .. "usually follows an UpdateEventDataStore that turned it off.",
    risks = {
      "Defense evasion (disable cloud logs): events from now on are not kept in Lake.",
      "Indicator removal: once the 7-day window passes, the history the store held is "
        .. "lost, including evidence of earlier activity.",
      "Compliance: audit-log retention (for example PCI DSS v4.0 10.5.1, twelve months "
        .. "of audit history) may rely on this store.",
    },
    console = {
      "1. CloudTrail > Lake > Event data stores: open the store from the alert.",
      "2. If its status is Pending deletion, choose Restore at once (possible for 7 "
        .. "days after the delete).",
      "3. If ingestion is stopped, choose Start ingestion.",
      "4. Edit the store and turn Termination protection back on.",
      "5. CloudTrail > Event history: filter on User name = the actor and review their "
        .. "calls, including UpdateEventDataStore before the delete.",
    },
    cli = {
      "aws cloudtrail get-event-data-store --event-data-store <arn>",
      "aws cloudtrail restore-event-data-store --event-data-store <arn>",
      "aws cloudtrail start-event-data-store-ingestion --event-data-store <arn>",
      "aws cloudtrail update-event-data-store --event-data-store <arn> "
        .. "--termination-protection-enabled",
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user>",
    },
  },
  tests = {
    { name = "store deleted", fires = true, event = "samples/delete_event_data_store.json",
      alert = { severity = "high", context = { deleted = true, via_console = false } } },
    { name = "ingestion stopped", fires = true,
      event = "samples/stop_event_data_store_ingestion.json",
      alert = { context = { deleted = false, via_console = false } } },
    { name = "denied delete", fires = false,
      event = "samples/delete_event_data_store_denied.json" },
    { name = "trail deletion is another rule's", fires = false,
      event = "samples/delete_trail.json" },
  },
}
