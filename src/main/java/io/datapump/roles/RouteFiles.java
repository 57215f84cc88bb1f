package io.datapump.roles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Route files from a folder, on top of the ones in the image: when {@code datapump.routes.location} names a folder
 * (on AKS a ConfigMap mounted there), every {@code *.camel.yaml} in it is loaded too, and one named like a built-in
 * route file ({@code item-consumer.camel.yaml}) is loaded instead of it. So an operator can change a route, or add
 * one, without a new image. The resulting list replaces camel.main.routes-include-pattern before Camel reads it.
 */
public class RouteFiles implements EnvironmentPostProcessor {

    static final String PATTERN = "camel.main.routes-include-pattern";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String location = environment.getProperty("datapump.routes.location", "");
        if (location.isBlank()) {
            return;
        }
        String pattern = includePattern(environment.getProperty(PATTERN, ""), Path.of(location.strip()));
        environment.getPropertySources().addFirst(new MapPropertySource("datapumpRouteFiles", Map.of(PATTERN, pattern)));
    }

    /** The built-in pattern with the folder's files in place of the built-in files they are named like, and added. */
    static String includePattern(String builtIn, Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("datapump.routes.location '" + folder + "' is not a folder");
        }
        List<Path> files;
        try (Stream<Path> listed = Files.list(folder)) {
            // (a ConfigMap volume also holds hidden ..data links: only the route files themselves count)
            files = listed.filter(p -> p.getFileName().toString().endsWith(".camel.yaml"))
                    .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> names = new LinkedHashSet<>();
        files.forEach(f -> names.add(f.getFileName().toString()));
        List<String> result = new ArrayList<>();
        for (String entry : Arrays.stream(builtIn.split(",")).map(String::strip).filter(e -> !e.isEmpty()).toList()) {
            String name = entry.substring(entry.lastIndexOf('/') + 1);
            if (!names.contains(name)) {
                result.add(entry);
            }
        }
        files.forEach(f -> result.add("file:" + f.toAbsolutePath()));
        return String.join(",", result);
    }
}
