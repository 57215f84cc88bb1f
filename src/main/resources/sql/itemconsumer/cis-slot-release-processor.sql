-- A process that stopped or stopped beating: the biller's CIS slots it held are free again now, not when their
-- leases run out (its rows were released the same way, so the calls it had in flight are being made again).
UPDATE CisSlot
   SET Token = NULL,
       ProcessorId = NULL,
       LeaseUntil = NULL
 WHERE BillerId = :#billerId
   AND ProcessorId = :#processorId
   AND Token IS NOT NULL
