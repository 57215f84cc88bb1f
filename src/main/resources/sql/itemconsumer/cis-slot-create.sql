-- A free slot row, unless it exists (a process creating it at the same moment fails on the primary key: harmless).
INSERT INTO CisSlot (BillerId, SlotNo, Token, ProcessorId, LeaseUntil)
SELECT :#billerId, :#slotNo, NULL, NULL, NULL
 WHERE NOT EXISTS (SELECT 1 FROM CisSlot WHERE BillerId = :#billerId AND SlotNo = :#slotNo)
