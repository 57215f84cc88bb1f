-- Takes one free (or lease-expired) slot for a trial call of the half-open breaker (the trial itself is granted by
-- cis-breaker-trial); like cis-slot-acquire without the breaker condition.
UPDATE CisSlot
   SET Token = :#token,
       ProcessorId = :#processorId,
       LeaseUntil = DATEADD(MILLISECOND, :#leaseMillis, SYSUTCDATETIME())
 WHERE BillerId = :#billerId
   AND SlotNo = (SELECT TOP (1) s.SlotNo
                   FROM CisSlot s
                  WHERE s.BillerId = :#billerId
                    AND s.SlotNo <= :#limit
                    AND (s.Token IS NULL OR s.LeaseUntil < SYSUTCDATETIME())
                  ORDER BY (s.SlotNo + :#offset) % :#limit)
   AND (Token IS NULL OR LeaseUntil < SYSUTCDATETIME())
