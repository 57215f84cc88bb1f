-- One run report: a publisher cycle or a biller batch.
INSERT INTO RunReport (Kind, ProcessorId, BillerId, Lane, StartedAt, DurationMs, BillersScanned, BillersPublished,
                       BillersSkipped, SkipReasons, ItemsClaimed, ItemsQueued, ItemsFailed, Continued)
VALUES (:#kind, :#processorId, :#billerId, :#lane, :#startedAt, :#durationMs, :#billersScanned, :#billersPublished,
        :#billersSkipped, :#skipReasons, :#itemsClaimed, :#itemsQueued, :#itemsFailed, :#continued)
