package io.datapump.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.kubernetes.client.custom.Quantity;

/** Assertions every pod of the data pump must pass, whatever its role. */
final class WorkloadChecks {

    static final int USER_ID = 10001;

    private WorkloadChecks() {
    }

    /**
     * Non-root uid 10001, read-only root filesystem with a writable /tmp, no privilege escalation, no
     * capabilities, RuntimeDefault seccomp.
     */
    static void assertLockedDown(Manifest workload) {
        Map<String, Object> pod = workload.podSpec();
        String id = workload.id();
        assertThat(Yamls.at(pod, "securityContext", "runAsNonRoot")).as(id + " pod runAsNonRoot").isEqualTo(true);
        assertThat(Yamls.at(pod, "securityContext", "runAsUser")).as(id + " pod runAsUser").isEqualTo(USER_ID);
        assertThat(Yamls.text(pod, "securityContext", "seccompProfile", "type")).as(id + " pod seccomp")
                .isEqualTo("RuntimeDefault");
        assertThat(Yamls.at(pod, "hostNetwork")).as(id + " hostNetwork").isNotEqualTo(true);

        List<Map<String, Object>> containers = new ArrayList<>(Yamls.maps(pod, "initContainers"));
        containers.addAll(Yamls.maps(pod, "containers"));
        assertThat(containers).as(id + " containers").isNotEmpty();
        for (Map<String, Object> container : containers) {
            String where = id + " container " + container.get("name");
            Map<String, Object> security = Yamls.map(container, "securityContext");
            assertThat(effective(security, pod, "runAsNonRoot")).as(where + " runAsNonRoot").isEqualTo(true);
            assertThat(effective(security, pod, "runAsUser")).as(where + " runAsUser").isEqualTo(USER_ID);
            assertThat(security.get("readOnlyRootFilesystem")).as(where + " readOnlyRootFilesystem").isEqualTo(true);
            assertThat(security.get("allowPrivilegeEscalation")).as(where + " allowPrivilegeEscalation")
                    .isEqualTo(false);
            assertThat(security.get("privileged")).as(where + " privileged").isNotEqualTo(true);
            assertThat(Yamls.strings(security, "capabilities", "drop")).as(where + " capabilities.drop")
                    .contains("ALL");
            assertThat(Yamls.strings(security, "capabilities", "add")).as(where + " capabilities.add").isEmpty();
            String seccomp = Yamls.text(security, "seccompProfile", "type");
            assertThat(seccomp == null ? Yamls.text(pod, "securityContext", "seccompProfile", "type") : seccomp)
                    .as(where + " seccomp").isEqualTo("RuntimeDefault");
            assertWritableTmp(where, container, pod);
        }
    }

    /** CPU and memory requested and limited, the request no larger than the limit. */
    static void assertRequestsAndLimits(String where, Map<String, Object> container) {
        for (String resource : List.of("cpu", "memory")) {
            String request = Yamls.text(container, "resources", "requests", resource);
            String limit = Yamls.text(container, "resources", "limits", resource);
            assertThat(request).as(where + " requests." + resource).isNotBlank();
            assertThat(limit).as(where + " limits." + resource).isNotBlank();
            assertThat(Quantity.fromString(request).getNumber())
                    .as(where + " " + resource + " request " + request + " <= limit " + limit)
                    .isLessThanOrEqualTo(Quantity.fromString(limit).getNumber());
        }
    }

    /** Runs as the data-pump ServiceAccount with workload identity, and mounts the Key Vault CSI volume. */
    static void assertWorkloadIdentityAndSecretsVolume(Rendered rendered, Manifest workload) {
        String id = workload.id();
        assertThat(Yamls.text(workload.podSpec(), "serviceAccountName")).as(id + " serviceAccountName")
                .isEqualTo("data-pump");
        assertThat(workload.podLabels()).as(id + " pod labels").containsEntry("azure.workload.identity/use", "true");
        Map<String, Object> csi = workload.maps("spec", "template", "spec", "volumes").stream()
                .map(volume -> Yamls.map(volume, "csi"))
                .filter(found -> "secrets-store.csi.k8s.io".equals(found.get("driver")))
                .findFirst().orElse(Map.of());
        assertThat(csi).as(id + " secrets-store CSI volume").isNotEmpty();
        String providerClass = Yamls.text(csi, "volumeAttributes", "secretProviderClass");
        if (rendered != null) {
            rendered.get("SecretProviderClass", providerClass);
        }
        String volumeName = workload.maps("spec", "template", "spec", "volumes").stream()
                .filter(volume -> volume.containsKey("csi")).map(volume -> Yamls.text(volume, "name"))
                .findFirst().orElseThrow();
        assertThat(workload.containers()).allSatisfy(container -> assertThat(Yamls.maps(container, "volumeMounts"))
                .as(id + " mounts the CSI volume (the Secret is synced only while mounted)")
                .anySatisfy(mount -> assertThat(mount.get("name")).isEqualTo(volumeName)));
    }

    static String env(Map<String, Object> container, String name) {
        return Yamls.maps(container, "env").stream()
                .filter(variable -> name.equals(variable.get("name")))
                .map(variable -> Yamls.text(variable, "value"))
                .findFirst().orElse(null);
    }

    private static Object effective(Map<String, Object> containerSecurity, Map<String, Object> pod, String field) {
        Object value = containerSecurity.get(field);
        return value != null ? value : Yamls.at(pod, "securityContext", field);
    }

    private static void assertWritableTmp(String where, Map<String, Object> container, Map<String, Object> pod) {
        Map<String, Object> tmpMount = Yamls.maps(container, "volumeMounts").stream()
                .filter(mount -> "/tmp".equals(mount.get("mountPath")))
                .findFirst().orElse(Map.of());
        assertThat(tmpMount).as(where + " mounts a volume at /tmp").isNotEmpty();
        assertThat(tmpMount.get("readOnly")).as(where + " /tmp writable").isNotEqualTo(true);
        Map<String, Object> volume = Yamls.maps(pod, "volumes").stream()
                .filter(candidate -> tmpMount.get("name").equals(candidate.get("name")))
                .findFirst().orElse(Map.of());
        assertThat(volume).as(where + " /tmp volume").containsKey("emptyDir");
    }
}
