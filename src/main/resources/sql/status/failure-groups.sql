-- Failed items of one shard grouped by item type and error class.
SELECT ItemType, LastErrorClass AS ErrorClass, COUNT(*) AS Items,
       MIN(StateChangedAt) AS FirstSeen, MAX(StateChangedAt) AS LastSeen
  FROM DataPumpControl
 WHERE State = 'Failed'
 GROUP BY ItemType, LastErrorClass
