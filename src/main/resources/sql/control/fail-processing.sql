-- The delivery attempt holding the item failed for good (permanent, or retries exhausted): Processing -> Failed.
UPDATE DataPumpControl
   SET State = 'Failed',
       LastErrorClass = :#errorClass,
       LastError = :#error,
       StateChangedAt = SYSUTCDATETIME()
 WHERE DataPumpRecordId = :#recordId
   AND State = 'Processing'
   AND ClaimToken = :#attemptToken
