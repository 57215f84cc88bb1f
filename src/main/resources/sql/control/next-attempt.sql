-- Before an in-process redelivery: the failed attempt is recorded and the attempt counter moves on.
UPDATE DataPumpControl
   SET Attempts = Attempts + 1,
       LastErrorClass = :#errorClass,
       LastError = :#error,
       StateChangedAt = SYSUTCDATETIME()
 WHERE DataPumpRecordId = :#recordId
   AND State = 'Processing'
   AND ClaimToken = :#attemptToken
