-- A claimed item that can never be delivered (e.g. unknown item type): Failed with its reason.
UPDATE DataPumpControl
   SET State = 'Failed',
       LastErrorClass = :#errorClass,
       LastError = :#error,
       StateChangedAt = CURRENT_TIMESTAMP
 WHERE DataPumpRecordId = :#recordId
   AND State IN ('Fetched', 'Queued')
