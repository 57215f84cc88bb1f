-- Audit entries older than their retention, in bounded chunks.
DELETE FROM AdminAudit
 WHERE AuditId IN (SELECT TOP (:#chunk) AuditId FROM AdminAudit WHERE At < :#before ORDER BY AuditId)
