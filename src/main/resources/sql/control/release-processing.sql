-- A delivery attempt failed: Processing -> Queued so the redelivered message can claim it again.
UPDATE DataPumpControl
   SET State = 'Queued',
       LastErrorClass = :#errorClass,
       LastError = :#error,
       StateChangedAt = CURRENT_TIMESTAMP
 WHERE DataPumpRecordId = :#recordId
   AND State = 'Processing'
   AND ClaimToken = :#attemptToken
