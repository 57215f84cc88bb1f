-- Biller registry: which billers the Data Pump serves, where their shard lives and where their CIS API is.
CREATE TABLE Biller (
    BillerId          NVARCHAR(64)   NOT NULL,
    Name              NVARCHAR(200)  NOT NULL,
    Lane              NVARCHAR(16)   NOT NULL,
    DataPumpV2Enabled BIT            NOT NULL,
    Paused            BIT            NOT NULL,
    ShardJdbcUrl      NVARCHAR(1000) NOT NULL,
    CisBaseUrl        NVARCHAR(1000) NOT NULL,
    UpdatedAt         DATETIME2      NOT NULL,
    CONSTRAINT PK_Biller PRIMARY KEY (BillerId),
    CONSTRAINT CK_Biller_Lane CHECK (Lane IN ('production', 'demo'))
);
