-- A granted trial made no CIS call (its item ended before it): the phase gets it back.
UPDATE CisBreaker
   SET TrialsLeft = TrialsLeft + 1
 WHERE BillerId = :#billerId
   AND State = 'Open'
   AND Generation = :#generation
