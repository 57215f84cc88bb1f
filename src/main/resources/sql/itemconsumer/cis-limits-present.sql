-- Whether the biller's slot rows (up to its limit) and breaker row exist yet (asked once per process and biller).
SELECT (SELECT COUNT(*) FROM CisSlot WHERE BillerId = :#billerId AND SlotNo <= :#limit) AS Slots,
       (SELECT COUNT(*) FROM CisBreaker WHERE BillerId = :#billerId) AS Breakers
