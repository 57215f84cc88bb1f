-- Replay of one item: Failed -> Queued (its history stays); only one replay of an item can win.
UPDATE DataPumpControl
   SET State = 'Queued',
       StateChangedAt = CURRENT_TIMESTAMP
 WHERE DataPumpRecordId = :#recordId
   AND State = 'Failed'
