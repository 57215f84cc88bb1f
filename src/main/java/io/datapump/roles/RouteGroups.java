package io.datapump.roles;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

/**
 * Starts a route only when this process runs the part of the pump it belongs to. Each route file names that part as
 * the route's {@code group} ({@code publisher}, {@code maintenance}, {@code biller-consumer.<lane>},
 * {@code item-consumer.<lane>}; route templates write {@code {{lane}}}); the route then starts when
 * {@code datapump.run.<group>} is true (the switches {@link Roles} derives from datapump.roles and datapump.lanes).
 * Routes without a group (the error handling's {@code direct:} routes, the republishing, the local harness) start in
 * every process. Doing this here rather than with an {@code autoStartup: "{{…}}"} in the files keeps them valid
 * against the Camel YAML DSL schema, where autoStartup is a boolean.
 */
@Component
public class RouteGroups implements CamelContextConfiguration {

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        // the route files are loaded by now (camel-spring-boot loads them before this is called); routes added
        // later (a reloaded route file) get the same treatment
        model.getRouteDefinitions().forEach(RouteGroups::applyGroup);
        model.addModelLifecycleStrategy(new ModelLifecycleStrategySupport() {
            @Override
            public void onAddRouteDefinition(RouteDefinition route) {
                applyGroup(route);
            }
        });
    }

    /** The group with its template parameters filled in, and the route's start switch from it. */
    static void applyGroup(RouteDefinition route) {
        String group = route.getGroup();
        if (group == null || route.getAutoStartup() != null) {
            return;
        }
        Map<String, Object> parameters = route.getTemplateParameters();
        if (parameters != null) {
            for (Map.Entry<String, Object> p : parameters.entrySet()) {
                group = group.replace("{{" + p.getKey() + "}}", String.valueOf(p.getValue()));
            }
            route.setGroup(group);
        }
        route.setAutoStartup("{{datapump.run." + group + "}}");
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
    }
}
