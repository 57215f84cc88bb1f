-- Item consumer claim by primary key: Fetched or Queued -> Processing. Zero rows means a duplicate.
UPDATE DataPumpControl
   SET State = 'Processing',
       ClaimToken = :#attemptToken,
       ProcessorId = :#processorId,
       ClaimedAt = CURRENT_TIMESTAMP,
       StateChangedAt = CURRENT_TIMESTAMP,
       Attempts = Attempts + 1
 WHERE DataPumpRecordId = :#recordId
   AND State IN ('Fetched', 'Queued')
