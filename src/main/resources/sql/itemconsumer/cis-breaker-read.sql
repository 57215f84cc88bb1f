-- The biller's breaker and hold, the slots free now, and the database's clock to measure the waits against.
SELECT State, OpenUntil, TrialsLeft, Generation, HeldUntil, SYSUTCDATETIME() AS Now,
       (SELECT COUNT(*)
          FROM CisSlot s
         WHERE s.BillerId = :#billerId
           AND s.SlotNo <= :#limit
           AND (s.Token IS NULL OR s.LeaseUntil < SYSUTCDATETIME())) AS FreeSlots
  FROM CisBreaker
 WHERE BillerId = :#billerId
