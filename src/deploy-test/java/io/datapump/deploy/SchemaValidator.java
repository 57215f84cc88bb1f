package io.datapump.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;

/**
 * Checks a rendered object against the schema its API server would apply.
 * <ul>
 * <li>Built-in kinds: strict parsing into the official Kubernetes Java client's models, which reject unknown
 * fields, missing required fields and values of the wrong type.</li>
 * <li>Custom resources: the upstream CRD's openAPIV3Schema (committed under src/test/resources/k8s-schemas),
 * read as JSON Schema draft 4. Like the API server with strict field validation (kubectl's default), a field
 * the schema does not declare is an error: every object schema with properties gets
 * additionalProperties: false unless it has x-kubernetes-preserve-unknown-fields. The other x-kubernetes-*
 * keywords are dropped. metadata, which CRDs leave open, is parsed strictly as an ObjectMeta.</li>
 * </ul>
 * A kind with neither is an error too, so a new kind cannot slip through unchecked.
 */
final class SchemaValidator {

    /** The upstream CRDs; their first line says where each came from. */
    static final List<String> CRD_FILES = List.of(
            "keda.sh_scaledobjects.yaml",
            "keda.sh_triggerauthentications.yaml",
            "csi-driver-providerclasses.crd.yaml",
            "monitoring.coreos.com_servicemonitors.yaml",
            "monitoring.coreos.com_prometheusrules.yaml");

    private static final Map<String, Class<?>> BUILT_IN = Map.of(
            "v1/Namespace", V1Namespace.class,
            "v1/ServiceAccount", V1ServiceAccount.class,
            "v1/ConfigMap", V1ConfigMap.class,
            "v1/Secret", V1Secret.class,
            "v1/Service", V1Service.class,
            "apps/v1/Deployment", V1Deployment.class,
            "batch/v1/Job", V1Job.class,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", V1NetworkPolicy.class);

    private static final Gson GSON = new Gson();
    private static SchemaValidator instance;

    private final Map<String, Schema> crdSchemas;

    private SchemaValidator(Map<String, Schema> crdSchemas) {
        this.crdSchemas = crdSchemas;
    }

    static synchronized SchemaValidator get() {
        if (instance == null) {
            instance = new SchemaValidator(loadCrdSchemas());
        }
        return instance;
    }

    /** The problems found; empty if the object is valid. */
    List<String> problems(Manifest manifest) {
        String type = manifest.apiVersion() + "/" + manifest.kind();
        Class<?> model = BUILT_IN.get(type);
        if (model != null) {
            return strictParse(manifest.raw(), model);
        }
        Schema schema = crdSchemas.get(type);
        if (schema == null) {
            return List.of("no schema for " + type + ": add its model to SchemaValidator or its CRD under "
                    + "src/test/resources/k8s-schemas");
        }
        List<String> problems = new ArrayList<>(strictParse(manifest.map("metadata"), V1ObjectMeta.class));
        schema.validate(GSON.toJson(manifest.raw()), InputFormat.JSON)
                .forEach(error -> problems.add(error.toString()));
        return problems;
    }

    boolean knows(String apiVersion, String kind) {
        String type = apiVersion + "/" + kind;
        return BUILT_IN.containsKey(type) || crdSchemas.containsKey(type);
    }

    private static List<String> strictParse(Map<String, Object> object, Class<?> model) {
        try {
            JSON.deserialize(GSON.toJson(object), model);
            return List.of();
        } catch (RuntimeException e) {
            return List.of(model.getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Map<String, Schema> loadCrdSchemas() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
        Map<String, Schema> schemas = new LinkedHashMap<>();
        for (String file : CRD_FILES) {
            Map<String, Object> crd = Yamls.asMap(Yamls.load(resource("k8s-schemas/" + file)));
            String group = Yamls.text(crd, "spec", "group");
            String kind = Yamls.text(crd, "spec", "names", "kind");
            for (Map<String, Object> version : Yamls.maps(crd, "spec", "versions")) {
                Object openApi = Yamls.at(version, "schema", "openAPIV3Schema");
                if (openApi == null) {
                    throw new IllegalStateException(file + " version " + version.get("name") + " has no schema");
                }
                String type = group + "/" + version.get("name") + "/" + kind;
                schemas.put(type, registry.getSchema(GSON.toJson(toJsonSchema(openApi)), InputFormat.JSON));
            }
        }
        return schemas;
    }

    /** openAPIV3Schema to JSON Schema draft 4, closed to undeclared fields as described above. */
    static Object toJsonSchema(Object node) {
        if (node instanceof List<?> list) {
            return list.stream().map(SchemaValidator::toJsonSchema).toList();
        }
        if (!(node instanceof Map<?, ?> map)) {
            return node;
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        map.forEach((rawKey, value) -> {
            String key = String.valueOf(rawKey);
            switch (key) {
                // property names are data, not keywords: convert each property's schema, keep the names
                case "properties" -> {
                    Map<String, Object> properties = new LinkedHashMap<>();
                    Yamls.asMap(value).forEach((name, property) -> properties.put(name, toJsonSchema(property)));
                    schema.put(key, properties);
                }
                // literal values, not schemas
                case "enum", "required" -> schema.put(key, value);
                // annotations only; format int32/int64 and OpenAPI extras are not draft 4
                case "description", "format", "default", "example", "nullable", "externalDocs" -> {
                }
                default -> {
                    if (!key.startsWith("x-kubernetes-")) {
                        schema.put(key, toJsonSchema(value));
                    }
                }
            }
        });
        if (Boolean.TRUE.equals(map.get("nullable")) && schema.get("type") instanceof String type) {
            schema.put("type", List.of(type, "null"));
        }
        boolean preservesUnknown = Boolean.TRUE.equals(map.get("x-kubernetes-preserve-unknown-fields"));
        if (schema.containsKey("properties") && !schema.containsKey("additionalProperties") && !preservesUnknown) {
            schema.put("additionalProperties", false);
        }
        return schema;
    }

    private static String resource(String name) {
        try (InputStream in = SchemaValidator.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read test resource " + name, e);
        }
    }
}
