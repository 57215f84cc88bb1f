-- One replay job.
SELECT ReplayId, RequestedBy, RequestedAt, Source, Selection, Reason, RatePerSecond, Selected, Replayed, Skipped,
       Status, FinishedAt, Error, Canary, CanaryState, CanaryIds, CursorBillerId, CursorRecordId, RunBy,
       CancelRequestedBy
  FROM Replay
 WHERE ReplayId = :#replayId
