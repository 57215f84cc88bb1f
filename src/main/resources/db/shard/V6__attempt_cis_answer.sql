-- What the CIS answered, kept with each attempt for troubleshooting: for a rejection a bounded excerpt of its body
-- with payment and personal data masked, for a success the confirmation id its body carried (if any).
ALTER TABLE DataPumpAttempt ADD CisAnswer NVARCHAR(1000) NULL;
ALTER TABLE DataPumpAttempt ADD CisConfirmationId NVARCHAR(200) NULL;
ALTER TABLE DataPumpAttemptArchive ADD CisAnswer NVARCHAR(1000) NULL;
ALTER TABLE DataPumpAttemptArchive ADD CisConfirmationId NVARCHAR(200) NULL;
