-- Publisher: is a biller message for this biller still outstanding (marker held and not past its lease)?
SELECT CASE WHEN OutstandingToken IS NOT NULL
             AND OutstandingSince >= DATEADD(SECOND, -:#leaseSeconds, SYSUTCDATETIME())
            THEN 1 ELSE 0 END AS Live
  FROM DataPumpClaimLock
 WHERE LockId = 1
