-- Replay jobs that replay a canary first, can be cancelled, and resume where they were when their process died.
-- Canary: replay the first Canary items alone, wait until each is Processed (CanaryState Waiting), and stop the job
-- (CanaryFailed) if any fails again; CanaryIds names them as billerId:recordId,... CursorBillerId / CursorRecordId:
-- the last item the job got to (it resumes after it). RunBy: the process running the job (a live process takes over
-- a Running job whose process stopped or stopped beating). CancelRequestedBy: who asked it to stop.
ALTER TABLE Replay ADD Canary INT NOT NULL DEFAULT 0;
ALTER TABLE Replay ADD CanaryState NVARCHAR(16) NULL;
ALTER TABLE Replay ADD CanaryIds NVARCHAR(4000) NULL;
ALTER TABLE Replay ADD CursorBillerId NVARCHAR(64) NULL;
ALTER TABLE Replay ADD CursorRecordId BIGINT NULL;
ALTER TABLE Replay ADD RunBy NVARCHAR(128) NULL;
ALTER TABLE Replay ADD CancelRequestedBy NVARCHAR(200) NULL;
ALTER TABLE Replay DROP CONSTRAINT CK_Replay_Status;
ALTER TABLE Replay ADD CONSTRAINT CK_Replay_Status CHECK (Status IN ('Running', 'Completed', 'Failed', 'Interrupted', 'Cancelled', 'CanaryFailed'));
