-- Biller consumer: the message holding the marker has been consumed.
UPDATE DataPumpClaimLock
   SET OutstandingToken = NULL,
       OutstandingSince = NULL
 WHERE LockId = 1
   AND OutstandingToken = :#token
