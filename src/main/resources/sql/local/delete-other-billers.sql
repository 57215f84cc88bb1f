-- Local harness: drop registry rows no longer listed in datapump.local.billers.
DELETE FROM Biller WHERE BillerId NOT IN (:#ids)
