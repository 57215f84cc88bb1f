-- One audited admin call.
INSERT INTO AdminAudit (At, Actor, Action, Target, Details, Outcome)
VALUES (SYSUTCDATETIME(), :#actor, :#action, :#target, :#details, :#outcome)
