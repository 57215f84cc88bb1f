-- Biller consumer: a continuation (or rerun) message now holds the marker.
UPDATE DataPumpClaimLock
   SET OutstandingToken = :#token,
       OutstandingSince = CURRENT_TIMESTAMP
 WHERE LockId = 1
