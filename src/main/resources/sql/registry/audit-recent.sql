-- The most recent audited admin calls.
SELECT AuditId, At, Actor, Action, Target, Details, Outcome
  FROM AdminAudit
 ORDER BY AuditId DESC
OFFSET 0 ROWS FETCH NEXT :#limit ROWS ONLY
