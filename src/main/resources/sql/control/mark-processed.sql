-- CIS accepted the item: Processing -> Processed, only for the attempt that holds the row.
UPDATE DataPumpControl
   SET State = 'Processed',
       LastErrorClass = NULL,
       LastError = NULL,
       StateChangedAt = SYSUTCDATETIME()
 WHERE DataPumpRecordId = :#recordId
   AND State = 'Processing'
   AND ClaimToken = :#attemptToken
