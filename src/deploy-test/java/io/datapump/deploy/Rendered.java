package io.datapump.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One rendered kustomization, with look-ups the invariant tests share. */
record Rendered(String kustomization, List<Manifest> manifests) {

    static Rendered of(String kustomization) {
        return new Rendered(kustomization, Kustomize.render(kustomization));
    }

    List<Manifest> ofKind(String kind) {
        return manifests.stream().filter(manifest -> kind.equals(manifest.kind())).toList();
    }

    Manifest get(String kind, String name) {
        return manifests.stream()
                .filter(manifest -> kind.equals(manifest.kind()) && name.equals(manifest.name()))
                .findFirst()
                .orElseGet(() -> fail(kustomization + " renders no " + kind + "/" + name));
    }

    Map<String, String> configMapData(String name) {
        return Manifest.strings(get("ConfigMap", name).map("data"));
    }

    /**
     * The environment a container starts with, as far as it is literal: envFrom ConfigMaps first, then env
     * values (which win). Variables from Secrets are left out.
     */
    Map<String, String> literalEnv(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> source : Yamls.maps(container, "envFrom")) {
            String configMap = Yamls.text(source, "configMapRef", "name");
            if (configMap != null) {
                env.putAll(configMapData(configMap));
            }
        }
        for (Map<String, Object> variable : Yamls.maps(container, "env")) {
            if (variable.containsKey("value")) {
                env.put(Yamls.text(variable, "name"), Yamls.text(variable, "value"));
            }
        }
        return env;
    }

    /** Deployments and Jobs: everything that runs pods. */
    List<Manifest> workloads() {
        return manifests.stream().filter(manifest -> "Deployment".equals(manifest.kind())
                || "Job".equals(manifest.kind())).toList();
    }
}
