package io.datapump.metrics;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * A route in the Java DSL, beside the YAML route files: a {@link RouteBuilder} bean, found by Camel like the files,
 * with the same conventions (a kebab-case id, a group naming the part of the pump that runs it, placeholders for
 * what differs per environment, the work in a plainly named bean). See docs/routes.md.
 */
@Component
public class MetricsRefreshRoute extends RouteBuilder {

    @Override
    public void configure() {
        // Every metrics interval: reads backlog per state, oldest pending age and shard health per biller, and
        // dead-letter depth.
        from("timer:metrics-refresh?period={{datapump.metrics.interval}}&delay=1000")
                .routeId("metrics-refresh")
                .routeGroup("maintenance")
                .routeConfigurationId("datapump-timer-errors")
                .bean("backlogGauges", "refresh")
                .bean("failedTicks", "worked");
    }
}
