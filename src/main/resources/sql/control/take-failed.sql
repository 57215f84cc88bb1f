-- Replay of one item, step 1 of 3: Failed -> Fetched under a new claim token (its history stays); of two replays of
-- the same item (from the table and from a dead-letter message) only one can win.
UPDATE DataPumpControl
   SET State = 'Fetched',
       ClaimToken = :#claimToken,
       ProcessorId = :#processorId,
       ClaimedAt = SYSUTCDATETIME(),
       StateChangedAt = SYSUTCDATETIME()
 WHERE DataPumpRecordId = :#recordId
   AND State = 'Failed'
