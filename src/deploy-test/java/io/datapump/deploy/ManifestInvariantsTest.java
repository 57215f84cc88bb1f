package io.datapump.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a reviewer of the deployment cares about, checked on what kubectl would apply (the rendered
 * overlays), with the Service Bus names read from application.yaml.
 */
class ManifestInvariantsTest {

    private static final String PUBLISHER = "data-pump-publisher";
    private static final List<String> CONSUMER_ROLES = List.of("biller-consumer", "item-consumer");
    private static final String BASE_PLACEHOLDER = "set-in-overlay";
    private static final String SERVICE_BUS_SUFFIX = ".servicebus.windows.net";
    private static final Pattern LOGIN_TENANT = Pattern.compile("^https://login\\.microsoftonline\\.com/([^/]+)/");

    private final Topology topology = Topology.fromApplicationYaml();

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void publisherIsASingleReplicaThatNeverOverlapsItself(String overlay) {
        // given the rendered overlay
        Rendered rendered = Rendered.of(overlay);

        // when the publisher Deployment is read
        Manifest publisher = rendered.get("Deployment", PUBLISHER);
        Map<String, Object> container = publisher.containers().get(0);

        // then it runs exactly once, is replaced by stopping the old pod first, and nothing scales it
        assertThat(publisher.at("spec", "replicas")).isEqualTo(1);
        assertThat(publisher.text("spec", "strategy", "type")).isEqualTo("Recreate");
        assertThat(WorkloadChecks.env(container, "DATAPUMP_ROLES")).isEqualTo("publisher");
        assertThat(lanes(WorkloadChecks.env(container, "DATAPUMP_LANES"))).containsExactlyInAnyOrderElementsOf(
                topology.lanes().keySet());
        assertThat(rendered.ofKind("ScaledObject"))
                .noneSatisfy(so -> assertThat(so.text("spec", "scaleTargetRef", "name")).isEqualTo(PUBLISHER));
        assertThat(rendered.ofKind("HorizontalPodAutoscaler")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void everyWorkloadRunsLockedDown(String overlay) {
        // given the rendered overlay
        Rendered rendered = Rendered.of(overlay);

        // when each Deployment's pod template is read
        // then it runs as uid 10001, non-root, read-only root filesystem with a writable /tmp, no privilege
        // escalation, no capabilities, RuntimeDefault seccomp, workload identity and the Key Vault volume
        assertThat(rendered.ofKind("Deployment")).hasSize(KustomizeRenderingTest.WORKLOADS.size());
        for (Manifest deployment : rendered.ofKind("Deployment")) {
            WorkloadChecks.assertLockedDown(deployment);
            WorkloadChecks.assertWorkloadIdentityAndSecretsVolume(rendered, deployment);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void everyDeploymentIsProbedOnTheActuatorHealthGroups(String overlay) {
        // given the rendered overlay
        Rendered rendered = Rendered.of(overlay);

        for (Manifest deployment : rendered.ofKind("Deployment")) {
            // when its container is read
            Map<String, Object> container = deployment.containers().get(0);
            String id = deployment.id();

            // then the HTTP port is 8080 named http, and the probes ask the liveness and readiness groups there
            assertThat(Yamls.maps(container, "ports")).as(id + " ports")
                    .anySatisfy(port -> {
                        assertThat(port.get("name")).isEqualTo("http");
                        assertThat(port.get("containerPort")).isEqualTo(8080);
                    });
            assertProbe(id + " livenessProbe", Yamls.map(container, "livenessProbe"), "/actuator/health/liveness");
            assertProbe(id + " readinessProbe", Yamls.map(container, "readinessProbe"), "/actuator/health/readiness");
            assertThat(Yamls.map(container, "startupProbe")).as(id + " startupProbe").isNotEmpty();
            assertProbe(id + " startupProbe", Yamls.map(container, "startupProbe"), "/actuator/health/liveness");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void everyContainerHasRequestsAndLimits(String overlay) {
        // given the rendered overlay
        Rendered rendered = Rendered.of(overlay);

        // when each container's resources are read
        // then CPU and memory are requested and limited
        for (Manifest deployment : rendered.ofKind("Deployment")) {
            for (Map<String, Object> container : deployment.containers()) {
                WorkloadChecks.assertRequestsAndLimits(deployment.id(), container);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void terminationGraceOutlastsTheShutdownTimeout(String overlay) {
        // given the rendered overlay
        Rendered rendered = Rendered.of(overlay);

        for (Manifest deployment : rendered.ofKind("Deployment")) {
            // when the pod's shutdown timeout (its environment, else the app's default) and grace period are read
            String configured = rendered.literalEnv(deployment.containers().get(0)).get("DATAPUMP_SHUTDOWN_TIMEOUT");
            int shutdownTimeout = configured == null ? topology.defaultShutdownTimeoutSeconds()
                    : Integer.parseInt(configured);
            Object grace = deployment.at("spec", "template", "spec", "terminationGracePeriodSeconds");

            // then Kubernetes waits at least 20 s longer than the in-flight work is given, before SIGKILL
            assertThat(grace).as(deployment.id() + " terminationGracePeriodSeconds").isInstanceOf(Integer.class);
            assertThat((Integer) grace).as(deployment.id() + " grace vs DATAPUMP_SHUTDOWN_TIMEOUT " + shutdownTimeout)
                    .isGreaterThanOrEqualTo(shutdownTimeout + 20);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void eachConsumerIsScaledByKedaOnExactlyItsRoleAndLaneSubscriptions(String overlay) {
        // given the rendered overlay and the topology in application.yaml
        Rendered rendered = Rendered.of(overlay);
        String serviceBus = rendered.configMapData("data-pump-config").get("DATAPUMP_SERVICEBUS_NAMESPACE");
        Set<String> consumers = new HashSet<>();

        for (Topology.Lane lane : topology.lanes().values()) {
            for (String role : CONSUMER_ROLES) {
                // when the role's Deployment of that lane and the ScaledObject scaling it are read
                String name = "data-pump-" + role + "-" + lane.name();
                consumers.add(name);
                Manifest deployment = rendered.get("Deployment", name);
                Map<String, Object> container = deployment.containers().get(0);
                List<Manifest> scaledObjects = rendered.ofKind("ScaledObject").stream()
                        .filter(so -> name.equals(so.text("spec", "scaleTargetRef", "name"))).toList();

                // then the pod runs that role for that lane only, KEDA owns its replica count...
                assertThat(WorkloadChecks.env(container, "DATAPUMP_ROLES")).as(name).isEqualTo(role);
                assertThat(WorkloadChecks.env(container, "DATAPUMP_LANES")).as(name).isEqualTo(lane.name());
                assertThat(deployment.podLabels()).as(name)
                        .containsEntry("app.kubernetes.io/name", "data-pump")
                        .containsEntry("app.kubernetes.io/component", role + "-" + lane.name())
                        .containsEntry("datapump.io/lane", lane.name());
                assertThat(deployment.at("spec", "replicas")).as(name + " replicas (KEDA's to set)").isNull();
                assertThat(scaledObjects).as("ScaledObjects of " + name).hasSize(1);
                Manifest scaledObject = scaledObjects.get(0);
                String kind = scaledObject.text("spec", "scaleTargetRef", "kind");
                assertThat(kind == null ? "Deployment" : kind).isEqualTo("Deployment");

                // ...on exactly the topic/subscription pairs of its role and lane
                Set<String> expected = role.equals("biller-consumer")
                        ? Set.of(lane.billerTopic() + "/" + topology.billerSubscription())
                        : Set.of(lane.paymentTopic() + "/" + topology.itemSubscription(),
                                lane.paperlessRegistrationTopic() + "/" + topology.itemSubscription());
                List<Map<String, Object>> triggers = scaledObject.maps("spec", "triggers");
                assertThat(triggers).as(name + " triggers").hasSize(expected.size());
                assertThat(triggers.stream().map(t -> Yamls.text(t, "metadata", "topicName") + "/"
                        + Yamls.text(t, "metadata", "subscriptionName")).toList())
                        .as(name + " trigger topic/subscription pairs").containsExactlyInAnyOrderElementsOf(expected);
                for (Map<String, Object> trigger : triggers) {
                    assertServiceBusTrigger(rendered, name, trigger, serviceBus);
                }
                int min = (Integer) scaledObject.at("spec", "minReplicaCount");
                int max = (Integer) scaledObject.at("spec", "maxReplicaCount");
                assertThat(min).as(name + " minReplicaCount").isBetween(0, max);
                assertThat(scaledObject.at("spec", "cooldownPeriod")).as(name + " cooldownPeriod")
                        .isInstanceOf(Integer.class);
            }
        }
        // and nothing else is scaled
        assertThat(rendered.ofKind("ScaledObject")).extracting(so -> so.text("spec", "scaleTargetRef", "name"))
                .containsExactlyInAnyOrderElementsOf(consumers);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void lanesNeverMix(String overlay) {
        // given the rendered overlay
        Rendered rendered = Rendered.of(overlay);

        // when every object labelled with a lane is read
        for (Manifest manifest : rendered.manifests()) {
            String lane = manifest.labels().get("datapump.io/lane");
            if (lane == null) {
                continue;
            }
            // then its name, its pods and its triggers all belong to that one lane
            assertThat(topology.lanes()).as(manifest.id() + " lane label").containsKey(lane);
            assertThat(manifest.name()).as(manifest.id()).endsWith("-" + lane);
            if ("Deployment".equals(manifest.kind())) {
                assertThat(manifest.podLabels()).as(manifest.id()).containsEntry("datapump.io/lane", lane);
                assertThat(lanes(WorkloadChecks.env(manifest.containers().get(0), "DATAPUMP_LANES")))
                        .as(manifest.id() + " DATAPUMP_LANES").containsExactly(lane);
            }
            if ("ScaledObject".equals(manifest.kind())) {
                assertThat(manifest.maps("spec", "triggers")).as(manifest.id() + " triggers")
                        .allSatisfy(trigger -> assertThat(topology.lane(lane).entities())
                                .contains(Yamls.text(trigger, "metadata", "topicName")));
            }
        }
        // and only the publisher serves more than one lane
        for (Manifest deployment : rendered.ofKind("Deployment")) {
            if (!PUBLISHER.equals(deployment.name())) {
                assertThat(deployment.labels()).as(deployment.id()).containsKey("datapump.io/lane");
            }
        }
        // and the demo lane scales less far than production, role by role
        for (String role : CONSUMER_ROLES) {
            int production = (Integer) rendered.get("ScaledObject", "data-pump-" + role + "-production")
                    .at("spec", "maxReplicaCount");
            int demo = (Integer) rendered.get("ScaledObject", "data-pump-" + role + "-demo")
                    .at("spec", "maxReplicaCount");
            assertThat(demo).as(role + " demo maxReplicaCount vs production").isLessThan(production);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void everyConsumerHasADisruptionBudgetAndThePublisherNone(String overlay) {
        // given the rendered overlay
        Rendered rendered = Rendered.of(overlay);
        List<Manifest> budgets = rendered.ofKind("PodDisruptionBudget");

        for (Manifest deployment : rendered.ofKind("Deployment")) {
            // when the budgets selecting its pods are found
            List<Manifest> selecting = budgets.stream()
                    .filter(pdb -> selects(Manifest.strings(pdb.map("spec", "selector", "matchLabels")),
                            deployment.podLabels()))
                    .toList();

            // then a consumer has one that lets one pod go at a time; the single publisher has none
            if (PUBLISHER.equals(deployment.name())) {
                assertThat(selecting).as("budgets of the publisher").isEmpty();
            } else {
                assertThat(selecting).as("budgets of " + deployment.id()).hasSize(1);
                assertThat(selecting.get(0).at("spec", "maxUnavailable")).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void noSecretValueIsRendered(String overlay) {
        // given the rendered overlay
        Rendered rendered = Rendered.of(overlay);
        Manifest providerClass = rendered.get("SecretProviderClass", "data-pump-keyvault");
        Set<String> syncedKeys = syncedKeys(providerClass);
        Set<String> syncedSecrets = new LinkedHashSet<>();
        providerClass.maps("spec", "secretObjects")
                .forEach(secret -> syncedSecrets.add(Yamls.text(secret, "secretName")));

        // when Secrets, ConfigMaps and container environments are read
        // then no Secret is rendered (they come from Key Vault only)...
        assertThat(rendered.ofKind("Secret")).isEmpty();
        // ...no ConfigMap carries a credential...
        for (Manifest configMap : rendered.ofKind("ConfigMap")) {
            Manifest.strings(configMap.map("data")).forEach((key, value) -> {
                assertThat(key).as(configMap.id() + " key").doesNotContainPattern("(?i)password|secret|credential|token");
                assertThat(value).as(configMap.id() + " " + key).doesNotContainPattern("(?i)password=|pwd=|secret=|sig=");
            });
        }
        // ...every credential variable comes from the Secret the SecretProviderClass syncs, never a literal...
        for (Manifest deployment : rendered.ofKind("Deployment")) {
            for (Map<String, Object> variable : Yamls.maps(deployment.containers().get(0), "env")) {
                String name = Yamls.text(variable, "name");
                Map<String, Object> secretRef = Yamls.map(variable, "valueFrom", "secretKeyRef");
                if (name.matches("(?i).*(PASSWORD|SECRET|USERNAME|CREDENTIAL|TOKEN).*")) {
                    assertThat(variable).as(deployment.id() + " " + name).doesNotContainKey("value");
                    assertThat(secretRef).as(deployment.id() + " " + name).isNotEmpty();
                }
                if (!secretRef.isEmpty()) {
                    assertThat(syncedSecrets).as(deployment.id() + " " + name)
                            .contains((String) secretRef.get("name"));
                    // a key the overlay does not sync (SQL credentials under Entra ID) must be optional
                    if (!syncedKeys.contains(secretRef.get("name") + "/" + secretRef.get("key"))) {
                        assertThat(secretRef.get("optional")).as(deployment.id() + " " + name + " optional")
                                .isEqualTo(true);
                    }
                }
            }
            assertThat(Yamls.maps(deployment.containers().get(0), "envFrom"))
                    .as(deployment.id() + " envFrom secretRef").noneSatisfy(source -> assertThat(source)
                            .containsKey("secretRef"));
        }
        // ...and the SecretProviderClass names vault objects, with no value of its own
        assertThat(providerClass.text("spec", "provider")).isEqualTo("azure");
        assertThat(Manifest.strings(providerClass.map("spec", "parameters")))
                .containsEntry("usePodIdentity", "false")
                .doesNotContainKeys("clientSecret", "password");
        assertThat(syncedSecrets).containsExactly("data-pump-secrets");
    }

    @Test
    void baseSyncsEveryCredentialThePodsCanRead() {
        // given the base, whose SecretProviderClass lists the SQL credentials too
        Rendered rendered = Rendered.of("base");
        Set<String> syncedKeys = syncedKeys(rendered.get("SecretProviderClass", "data-pump-keyvault"));

        // when every Secret reference of every container is read
        // then each names a key the SecretProviderClass syncs from Key Vault
        for (Manifest deployment : rendered.ofKind("Deployment")) {
            for (Map<String, Object> variable : Yamls.maps(deployment.containers().get(0), "env")) {
                Map<String, Object> secretRef = Yamls.map(variable, "valueFrom", "secretKeyRef");
                if (!secretRef.isEmpty()) {
                    assertThat(syncedKeys).as(deployment.id() + " " + variable.get("name"))
                            .contains(secretRef.get("name") + "/" + secretRef.get("key"));
                }
            }
        }
        assertThat(syncedKeys).contains("data-pump-secrets/metrics-client-id",
                "data-pump-secrets/metrics-client-secret", "data-pump-secrets/registry-db-password",
                "data-pump-secrets/shards-db-password");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void overlaySetsEveryValueTheBaseLeavesOpen(String overlay) {
        // given the rendered overlay
        Rendered rendered = Rendered.of(overlay);

        // when every string in every object is searched for the base's placeholder
        List<String> placeholders = new ArrayList<>();
        for (Manifest manifest : rendered.manifests()) {
            collectStrings(manifest.raw(), manifest.id(), placeholders);
        }

        // then none is left
        assertThat(placeholders.stream().filter(found -> found.contains(BASE_PLACEHOLDER)).toList()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void azureSettingsAgreeAcrossObjects(String overlay) {
        // given the rendered overlay
        Rendered rendered = Rendered.of(overlay);
        Map<String, String> config = rendered.configMapData("data-pump-config");
        Manifest providerClass = rendered.get("SecretProviderClass", "data-pump-keyvault");
        Manifest serviceAccount = rendered.get("ServiceAccount", "data-pump");
        Map<String, Object> endpoint = rendered.get("ServiceMonitor", "data-pump").maps("spec", "endpoints").get(0);

        // when the tenant, identities, audience and Service Bus namespace are read where each is used
        String issuerTenant = tenant(config.get("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI"));
        String tokenTenant = tenant(Yamls.text(endpoint, "oauth2", "tokenUrl"));

        // then they agree: one tenant, one pod identity, Prometheus asks tokens for the app's audience
        assertThat(config).containsEntry("SPRING_PROFILES_ACTIVE", "azure");
        assertThat(config.get("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_ISSUER_URI")).endsWith("/v2.0");
        assertThat(tokenTenant).isEqualTo(issuerTenant);
        assertThat(providerClass.text("spec", "parameters", "tenantId")).isEqualTo(issuerTenant);
        assertThat(Yamls.text(endpoint, "oauth2", "tokenUrl")).endsWith("/oauth2/v2.0/token");
        assertThat(Yamls.strings(endpoint, "oauth2", "scopes"))
                .containsExactly(config.get("DATAPUMP_SECURITY_AUDIENCE") + "/.default");
        assertThat(providerClass.text("spec", "parameters", "clientID"))
                .isEqualTo(serviceAccount.text("metadata", "annotations", "azure.workload.identity/client-id"))
                .isNotBlank();
        assertThat(config.get("DATAPUMP_SERVICEBUS_NAMESPACE")).endsWith(SERVICE_BUS_SUFFIX);
        assertThat(config.get("SPRING_DATASOURCE_URL")).startsWith("jdbc:sqlserver://").contains("encrypt=true");
        assertThat(rendered.get("TriggerAuthentication", "data-pump-servicebus").text("spec", "podIdentity", "provider"))
                .isEqualTo("azure-workload");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void networkPolicyAdmitsOnlyTheHttpPortAndTheEgressTheAppNeeds(String overlay) {
        // given the rendered overlay
        Rendered rendered = Rendered.of(overlay);
        Manifest policy = rendered.get("NetworkPolicy", "data-pump");

        // when the policy is read
        Map<String, String> selector = Manifest.strings(policy.map("spec", "podSelector", "matchLabels"));
        Set<Integer> egressPorts = new HashSet<>();
        policy.maps("spec", "egress").forEach(rule -> Yamls.maps(rule, "ports")
                .forEach(port -> egressPorts.add((Integer) port.get("port"))));

        // then it covers every data-pump pod, both directions...
        assertThat(rendered.ofKind("Deployment")).allSatisfy(deployment -> assertThat(selects(selector,
                deployment.podLabels())).as(deployment.id()).isTrue());
        assertThat(policy.at("spec", "policyTypes")).isEqualTo(List.of("Ingress", "Egress"));
        // ...lets in only port 8080, from namespaces the overlay names...
        assertThat(policy.maps("spec", "ingress")).isNotEmpty().allSatisfy(rule -> {
            assertThat(Yamls.maps(rule, "ports")).extracting(port -> port.get("port")).containsExactly(8080);
            assertThat(Yamls.maps(rule, "from")).isNotEmpty()
                    .allSatisfy(peer -> assertThat(peer).containsOnlyKeys("namespaceSelector"));
        });
        // ...and lets out DNS, Service Bus (AMQP 5671, HTTPS 443), SQL Server (1433, Azure SQL's redirect range)
        assertThat(egressPorts).containsExactlyInAnyOrder(53, 443, 5671, 1433, 11000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void prometheusScrapesTheMetricsEndpointWithClientCredentials(String overlay) {
        // given the rendered overlay
        Rendered rendered = Rendered.of(overlay);
        Manifest service = rendered.get("Service", "data-pump");
        Manifest serviceMonitor = rendered.get("ServiceMonitor", "data-pump");
        Manifest providerClass = rendered.get("SecretProviderClass", "data-pump-keyvault");
        Set<String> syncedKeys = syncedKeys(providerClass);

        // when the Service, the ServiceMonitor's endpoint and its oauth2 settings are read
        Map<String, String> serviceSelector = Manifest.strings(service.map("spec", "selector"));
        Map<String, Object> endpoint = serviceMonitor.maps("spec", "endpoints").get(0);
        Map<String, Object> oauth2 = Yamls.map(endpoint, "oauth2");

        // then the Service reaches every Deployment's pods on 8080, the ServiceMonitor selects the Service...
        assertThat(service.maps("spec", "ports")).anySatisfy(port -> {
            assertThat(port.get("name")).isEqualTo("http");
            assertThat(port.get("port")).isEqualTo(8080);
        });
        assertThat(rendered.ofKind("Deployment")).allSatisfy(deployment -> assertThat(selects(serviceSelector,
                deployment.podLabels())).as(deployment.id()).isTrue());
        assertThat(selects(Manifest.strings(serviceMonitor.map("spec", "selector", "matchLabels")), service.labels()))
                .isTrue();
        // ...and scrapes /actuator/prometheus with a token it gets with credentials synced from Key Vault
        assertThat(endpoint).containsEntry("port", "http").containsEntry("path", "/actuator/prometheus");
        assertThat(endpoint).doesNotContainKeys("bearerTokenSecret", "basicAuth", "authorization");
        assertThat(syncedKeys).contains(
                Yamls.text(oauth2, "clientId", "secret", "name") + "/" + Yamls.text(oauth2, "clientId", "secret", "key"),
                Yamls.text(oauth2, "clientSecret", "name") + "/" + Yamls.text(oauth2, "clientSecret", "key"));
        assertThat(Yamls.text(oauth2, "tokenUrl")).matches(LOGIN_TENANT.pattern() + "oauth2/v2\\.0/token$");
    }

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void everyObjectIsInTheOverlaysNamespaceAndEveryImagePinned(String overlay) {
        // given the rendered overlay and the namespace it declares
        Rendered rendered = Rendered.of(overlay);
        List<Manifest> namespaces = rendered.ofKind("Namespace");
        assertThat(namespaces).hasSize(1);
        String namespace = namespaces.get(0).name();

        // when each object's namespace and each container's image are read
        // then every namespaced object is in it, and every image is the data pump's at an explicit tag
        for (Manifest manifest : rendered.manifests()) {
            if (!"Namespace".equals(manifest.kind())) {
                assertThat(manifest.namespace()).as(manifest.id()).isEqualTo(namespace);
            }
        }
        for (Manifest deployment : rendered.ofKind("Deployment")) {
            for (Map<String, Object> container : deployment.containers()) {
                assertThat(Yamls.text(container, "image")).as(deployment.id())
                        .matches("datapump\\.azurecr\\.io/data-pump:[\\w][\\w.-]*")
                        .doesNotEndWith(":latest");
            }
        }
    }

    private void assertServiceBusTrigger(Rendered rendered, String name, Map<String, Object> trigger,
            String serviceBusFqdn) {
        Map<String, String> metadata = Manifest.strings(Yamls.map(trigger, "metadata"));
        assertThat(Yamls.text(trigger, "type")).as(name).isEqualTo("azure-servicebus");
        assertThat(metadata).as(name + " trigger metadata")
                .containsKeys("namespace", "topicName", "subscriptionName", "messageCount", "activationMessageCount")
                .doesNotContainKeys("connectionFromEnv", "connection");
        assertThat(metadata.get("namespace") + SERVICE_BUS_SUFFIX).as(name + " Service Bus namespace")
                .isEqualTo(serviceBusFqdn);
        assertThat(Integer.parseInt(metadata.get("messageCount"))).as(name + " messageCount").isPositive();
        rendered.get("TriggerAuthentication", Yamls.text(trigger, "authenticationRef", "name"));
    }

    private static void assertProbe(String where, Map<String, Object> probe, String path) {
        assertThat(Yamls.text(probe, "httpGet", "path")).as(where + " path").isEqualTo(path);
        assertThat(Yamls.text(probe, "httpGet", "port")).as(where + " port").isIn("http", "8080");
        assertThat(Yamls.text(probe, "httpGet", "scheme")).as(where + " scheme").isIn(null, "HTTP");
    }

    private static Set<String> syncedKeys(Manifest providerClass) {
        Set<String> keys = new LinkedHashSet<>();
        providerClass.maps("spec", "secretObjects").forEach(secret -> Yamls.maps(secret, "data").forEach(
                data -> keys.add(Yamls.text(secret, "secretName") + "/" + Yamls.text(data, "key"))));
        return keys;
    }

    private static List<String> lanes(String value) {
        return value == null ? List.of() : List.of(value.split(","));
    }

    private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return !selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet());
    }

    private static String tenant(String url) {
        Matcher matcher = LOGIN_TENANT.matcher(url == null ? "" : url);
        assertThat(matcher.find()).as("tenant in " + url).isTrue();
        return matcher.group(1);
    }

    private static void collectStrings(Object node, String path, List<String> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                out.add(path + "." + key);
                collectStrings(value, path + "." + key, out);
            });
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collectStrings(list.get(i), path + "[" + i + "]", out);
            }
        } else if (node != null) {
            out.add(path + " = " + node);
        }
    }
}
