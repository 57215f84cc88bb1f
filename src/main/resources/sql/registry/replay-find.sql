-- One replay job.
SELECT ReplayId, RequestedBy, RequestedAt, Source, Selection, Reason, RatePerSecond, Selected, Replayed, Skipped,
       Status, FinishedAt, Error
  FROM Replay
 WHERE ReplayId = :#replayId
