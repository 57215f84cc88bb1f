-- An abandoned attempt is over: Processing -> Queued, only if the same attempt still holds the row.
UPDATE DataPumpControl
   SET State = 'Queued',
       LastErrorClass = :#errorClass,
       LastError = :#error,
       StateChangedAt = CURRENT_TIMESTAMP
 WHERE DataPumpRecordId = :#recordId
   AND State = 'Processing'
   AND ClaimToken = :#attemptToken
