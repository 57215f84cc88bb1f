package io.datapump.roles;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/** Derives the route switches ({@code datapump.run.*}) from {@code datapump.roles} and {@code datapump.lanes}. */
public class RolesEnvironmentPostProcessor implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Roles roles = Roles.parse(environment.getProperty("datapump.roles",
                        "publisher,biller-consumer,item-consumer"),
                environment.getProperty("datapump.lanes", "production,demo"));
        environment.getPropertySources().addLast(new MapPropertySource("datapumpRoles", roles.switches()));
    }
}
