-- A delivery attempt failed: Processing -> Queued so the redelivered message can claim it again.
UPDATE DataPumpControl
   SET State = 'Queued',
       LastErrorClass = :#errorClass,
       LastError = :#error,
       StateChangedAt = SYSUTCDATETIME()
 WHERE DataPumpRecordId = :#recordId
   AND State = 'Processing'
   AND ClaimToken = :#attemptToken
