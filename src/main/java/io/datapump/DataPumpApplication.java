package io.datapump;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class DataPumpApplication {

    static {
        // Every time the pump writes or compares (DATETIME2 columns, leases, deadlines) is UTC: the statements take
        // "now" from SYSUTCDATETIME() (io.datapump.sql.UtcClock), and Java converts DATETIME2 values in this zone.
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
    }
    public static void main(String[] args) {
        SpringApplication.run(DataPumpApplication.class, args);
    }
}
