-- How a biller's work items reach the pump: 'adapter' (the source applications write DataPumpRecord rows and the
-- publisher polls the shard; the default, phase one) or 'direct' (the source applications publish item messages
-- straight to the item topics; the publisher skips the biller). See docs/direct-publishing.md.
ALTER TABLE Biller ADD Mode NVARCHAR(16) NOT NULL DEFAULT 'adapter' CONSTRAINT CK_Biller_Mode CHECK (Mode IN ('adapter', 'direct'));
