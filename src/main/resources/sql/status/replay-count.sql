-- How many Failed items match a replay selection.
SELECT COUNT(*)
  FROM DataPumpControl c
 WHERE c.State = 'Failed'
   AND (CAST(:#itemType AS NVARCHAR(50)) IS NULL OR c.ItemType = :#itemType)
   AND (CAST(:#errorClass AS NVARCHAR(200)) IS NULL OR c.LastErrorClass = :#errorClass)
   AND (CAST(:#failedFrom AS DATETIME2) IS NULL OR c.StateChangedAt >= :#failedFrom)
   AND (CAST(:#failedTo AS DATETIME2) IS NULL OR c.StateChangedAt < :#failedTo)
