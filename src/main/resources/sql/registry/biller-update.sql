-- An operator changes a biller's row (its name, CIS URL, CIS credentials reference, CIS limit, data-pump toggle, mode).
UPDATE Biller
   SET Name = :#name, CisBaseUrl = :#cisBaseUrl, DataPumpV2Enabled = :#enabled, Mode = :#mode,
       CisAuth = :#cisAuth, CisSecretRef = :#cisSecretRef, CisAuthHeader = :#cisAuthHeader,
       CisTokenUrl = :#cisTokenUrl, CisClientId = :#cisClientId, CisScope = :#cisScope,
       CisMaxConcurrent = :#cisMaxConcurrent, UpdatedAt = SYSUTCDATETIME()
 WHERE BillerId = :#billerId
