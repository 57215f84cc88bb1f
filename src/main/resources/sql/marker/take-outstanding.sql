-- Publisher: take the biller's outstanding-message marker, unless a live one is held (at most one biller message).
UPDATE DataPumpClaimLock
   SET OutstandingToken = :#token,
       OutstandingSince = SYSUTCDATETIME()
 WHERE LockId = 1
   AND (OutstandingToken IS NULL
        OR OutstandingSince < DATEADD(SECOND, -:#leaseSeconds, SYSUTCDATETIME()))
