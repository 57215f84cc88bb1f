-- The call is over: its slot is free again.
UPDATE CisSlot
   SET Token = NULL,
       ProcessorId = NULL,
       LeaseUntil = NULL
 WHERE BillerId = :#billerId
   AND Token = :#token
