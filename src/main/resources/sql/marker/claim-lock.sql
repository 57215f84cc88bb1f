-- First statement of every claim transaction: serialises claims on this shard until commit.
UPDATE DataPumpClaimLock
   SET LastClaimToken = :#claimToken,
       LastClaimAt = SYSUTCDATETIME()
 WHERE LockId = 1
