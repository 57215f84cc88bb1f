-- The holder is alive and its calls still run: their slots' leases move on.
UPDATE CisSlot
   SET LeaseUntil = DATEADD(MILLISECOND, :#leaseMillis, SYSUTCDATETIME())
 WHERE BillerId = :#billerId
   AND Token IN (:#tokens)
