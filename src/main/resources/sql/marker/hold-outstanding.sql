-- Biller consumer: a continuation (or rerun) message now holds the marker.
UPDATE DataPumpClaimLock
   SET OutstandingToken = :#token,
       OutstandingSince = SYSUTCDATETIME()
 WHERE LockId = 1
