-- An item that will never be delivered, found before any delivery attempt holds it (unknown item type, expired,
-- malformed or misrouted message): Fetched/Queued -> Failed with its reason.
UPDATE DataPumpControl
   SET State = 'Failed',
       LastErrorClass = :#errorClass,
       LastError = :#error,
       StateChangedAt = SYSUTCDATETIME()
 WHERE DataPumpRecordId = :#recordId
   AND State IN ('Fetched', 'Queued')
