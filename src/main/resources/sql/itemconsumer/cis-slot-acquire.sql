-- Takes one free (or lease-expired) slot for a normal call, only while the breaker is closed and no Retry-After hold
-- runs; one row updated: the slot is this token's. Each caller tries the free slots from its own random offset, so
-- racing callers mostly pick different rows; two that pick the same row take turns on its update lock and the second
-- finds it taken (0 rows: it asks again while cis-breaker-read counts free slots).
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
   AND NOT EXISTS (SELECT 1 FROM CisBreaker b
                    WHERE b.BillerId = :#billerId
                      AND (b.State = 'Open' OR b.HeldUntil > SYSUTCDATETIME()))
