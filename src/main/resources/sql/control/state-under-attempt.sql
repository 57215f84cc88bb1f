-- The row's state if this attempt (:#attemptToken) claimed it last; no row if another attempt did since.
SELECT State
  FROM DataPumpControl
 WHERE DataPumpRecordId = :#recordId
   AND ClaimToken = :#attemptToken
