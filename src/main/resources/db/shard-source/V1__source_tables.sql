-- Source tables as the existing applications write them. Applied to local and demo shards only:
-- production shards already have them and the Data Pump never changes them.
CREATE TABLE Customer (
    CustomerId BIGINT IDENTITY(1,1) NOT NULL,
    FirstName  NVARCHAR(100) NOT NULL,
    LastName   NVARCHAR(100) NOT NULL,
    Email      NVARCHAR(320) NULL,
    CreatedAt  DATETIME2     NOT NULL,
    CONSTRAINT PK_Customer PRIMARY KEY (CustomerId)
);

CREATE TABLE Account (
    AccountId      BIGINT IDENTITY(1,1) NOT NULL,
    CustomerId     BIGINT        NOT NULL,
    AccountNumber  NVARCHAR(50)  NOT NULL,
    ServiceAddress NVARCHAR(400) NULL,
    CreatedAt      DATETIME2     NOT NULL,
    CONSTRAINT PK_Account PRIMARY KEY (AccountId),
    CONSTRAINT FK_Account_Customer FOREIGN KEY (CustomerId) REFERENCES Customer (CustomerId)
);

CREATE TABLE Payment (
    PaymentId         BIGINT IDENTITY(1,1) NOT NULL,
    AccountId         BIGINT        NOT NULL,
    Amount            DECIMAL(19,4) NOT NULL,
    Currency          CHAR(3)       NOT NULL,
    PaymentMethod     NVARCHAR(16)  NOT NULL,
    CardNumber        NVARCHAR(19)  NULL,
    BankAccountNumber NVARCHAR(34)  NULL,
    BankRoutingNumber NVARCHAR(9)   NULL,
    PaidAt            DATETIME2     NOT NULL,
    CreatedAt         DATETIME2     NOT NULL,
    CONSTRAINT PK_Payment PRIMARY KEY (PaymentId),
    CONSTRAINT FK_Payment_Account FOREIGN KEY (AccountId) REFERENCES Account (AccountId)
);

CREATE TABLE PaperlessRegistration (
    PaperlessRegistrationId BIGINT IDENTITY(1,1) NOT NULL,
    AccountId               BIGINT        NOT NULL,
    Email                   NVARCHAR(320) NOT NULL,
    Enrolled                BIT           NOT NULL,
    RegisteredAt            DATETIME2     NOT NULL,
    CONSTRAINT PK_PaperlessRegistration PRIMARY KEY (PaperlessRegistrationId),
    CONSTRAINT FK_PaperlessRegistration_Account FOREIGN KEY (AccountId) REFERENCES Account (AccountId)
);

-- One row per work item: the item type and the id of the source row it refers to.
CREATE TABLE DataPumpRecord (
    DataPumpRecordId BIGINT IDENTITY(1,1) NOT NULL,
    ItemType         NVARCHAR(50) NOT NULL,
    SourceId         BIGINT       NOT NULL,
    CreatedAt        DATETIME2    NOT NULL,
    CONSTRAINT PK_DataPumpRecord PRIMARY KEY (DataPumpRecordId)
);
