-- How the pump authenticates to a biller's CIS: a kind and the name of a secret the pod mounts, never the secret
-- itself (docs/cis-authentication.md). CisAuthHeader: the api-key header (blank: X-Api-Key). CisTokenUrl,
-- CisClientId, CisScope: the oauth2-client-credentials token request; its client secret is the named secret.
ALTER TABLE Biller ADD CisAuth NVARCHAR(32) NOT NULL DEFAULT 'none' CONSTRAINT CK_Biller_CisAuth CHECK (CisAuth IN ('none', 'api-key', 'oauth2-client-credentials', 'mtls'));
ALTER TABLE Biller ADD CisSecretRef NVARCHAR(200) NULL;
ALTER TABLE Biller ADD CisAuthHeader NVARCHAR(100) NULL;
ALTER TABLE Biller ADD CisTokenUrl NVARCHAR(1000) NULL;
ALTER TABLE Biller ADD CisClientId NVARCHAR(200) NULL;
ALTER TABLE Biller ADD CisScope NVARCHAR(500) NULL;
