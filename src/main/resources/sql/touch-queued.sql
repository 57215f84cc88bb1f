-- Takes a stale Queued row for re-publishing; the StateChangedAt check makes one sweeper win if several run.
UPDATE DataPumpControl
   SET StateChangedAt = CURRENT_TIMESTAMP
 WHERE DataPumpRecordId = :#recordId
   AND State = 'Queued'
   AND StateChangedAt = :#seenAt
