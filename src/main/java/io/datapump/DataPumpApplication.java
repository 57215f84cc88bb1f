package io.datapump;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class DataPumpApplication {
    public static void main(String[] args) {
        SpringApplication.run(DataPumpApplication.class, args);
    }
}
