-- An operator asks a running replay job to stop; its process stops it before its next item.
UPDATE Replay
   SET CancelRequestedBy = :#actor
 WHERE ReplayId = :#replayId
   AND Status = 'Running'
