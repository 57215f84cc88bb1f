package io.datapump;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DataPumpProperties.class)
public class DataPumpConfiguration {

    /** Spring Boot's Flyway (the registry) applies it: SYSUTCDATETIME() on an H2 registry, as on SQL Server. */
    @org.springframework.context.annotation.Bean
    io.datapump.sql.UtcClock utcClock() {
        return new io.datapump.sql.UtcClock();
    }
}
