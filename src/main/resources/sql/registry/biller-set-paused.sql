-- An operator pauses or resumes one biller: the publisher skips a paused biller; its in-flight items finish.
UPDATE Biller
   SET Paused = :#paused
 WHERE BillerId = :#billerId
