-- The control rows of a replay's canary items (at most 100, datapump ReplaySelection.MAX_CANARY).
SELECT DataPumpRecordId, State, LastErrorClass, LastError
  FROM DataPumpControl
 WHERE DataPumpRecordId IN (:#recordIds)
