-- Older applications created accounts before they had numbers: AccountNumber may be NULL in real shards.
ALTER TABLE Account ALTER COLUMN AccountNumber NVARCHAR(50) NULL;
