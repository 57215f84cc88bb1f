-- DataPumpClaimMark: one row. Every work item with DataPumpRecordId <= ClaimedThrough has had a control record (live
-- or archived), so claims and pending counts look for unseen rows only above it, less a lookback for rows whose
-- insert committed late; their cost stays flat however long the shard's history grows (docs/schema.md).
CREATE TABLE DataPumpClaimMark (
    MarkId         INT    NOT NULL,
    ClaimedThrough BIGINT NOT NULL,
    CONSTRAINT PK_DataPumpClaimMark PRIMARY KEY (MarkId)
);

-- a shard the pump worked on before: just below its lowest unseen row, else its highest row (0 when empty)
INSERT INTO DataPumpClaimMark (MarkId, ClaimedThrough)
SELECT 1, COALESCE((SELECT MIN(r.DataPumpRecordId) - 1
                      FROM DataPumpRecord r
                     WHERE NOT EXISTS (SELECT 1 FROM DataPumpControl c WHERE c.DataPumpRecordId = r.DataPumpRecordId)
   AND NOT EXISTS (SELECT 1 FROM DataPumpControlArchive a WHERE a.DataPumpRecordId = r.DataPumpRecordId)),
                   (SELECT MAX(DataPumpRecordId) FROM DataPumpRecord),
                   0);
