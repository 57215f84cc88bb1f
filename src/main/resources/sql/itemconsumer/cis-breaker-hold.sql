-- The CIS answered 429 with Retry-After: no process calls it before then (a hold only ever grows longer).
UPDATE CisBreaker
   SET HeldUntil = DATEADD(MILLISECOND, :#holdMillis, SYSUTCDATETIME())
 WHERE BillerId = :#billerId
   AND (HeldUntil IS NULL OR HeldUntil < DATEADD(MILLISECOND, :#holdMillis, SYSUTCDATETIME()))
