package io.datapump.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The database migrations run as a Job only when asked for, never as part of a rollout. */
class MigrationJobTest {

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/dev", "overlays/prod"})
    void noRolloutRunsTheMigration(String kustomization) {
        // given what `kubectl apply -k` of a rollout applies
        Rendered rendered = Rendered.of(kustomization);

        // when its workloads are read
        // then there is no Job, and no pod runs the migrate role (neither as a container nor as an init container)
        assertThat(rendered.ofKind("Job")).isEmpty();
        assertThat(rendered.ofKind("CronJob")).isEmpty();
        for (Manifest deployment : rendered.ofKind("Deployment")) {
            assertThat(Yamls.maps(deployment.podSpec(), "initContainers")).as(deployment.id()).isEmpty();
            assertThat(WorkloadChecks.env(deployment.containers().get(0), "DATAPUMP_ROLES")).as(deployment.id())
                    .doesNotContain("migrate");
        }
    }

    @Test
    void migrationJobRunsTheMigrateRoleOnceLockedDown() {
        // given the migration's own kustomization
        Rendered rendered = Rendered.of("jobs/migrate");

        // when its Job is read
        Manifest job = rendered.get("Job", "data-pump-migrate");
        Map<String, Object> container = job.containers().get(0);

        // then it migrates and exits: no restart in place, a bounded number of retries and a deadline...
        assertThat(WorkloadChecks.env(container, "DATAPUMP_ROLES")).isEqualTo("migrate");
        assertThat(WorkloadChecks.env(container, "DATAPUMP_LANES")).isNull();
        assertThat(job.text("spec", "template", "spec", "restartPolicy")).isEqualTo("Never");
        assertThat((Integer) job.at("spec", "backoffLimit")).isBetween(0, 5);
        assertThat(job.at("spec", "activeDeadlineSeconds")).isInstanceOf(Integer.class);
        // ...with the environment, identity and hardening of the other pods...
        assertThat(Yamls.maps(container, "envFrom"))
                .anySatisfy(source -> assertThat(Yamls.text(source, "configMapRef", "name")).isEqualTo("data-pump-config"));
        WorkloadChecks.assertLockedDown(job);
        WorkloadChecks.assertRequestsAndLimits(job.id(), container);
        WorkloadChecks.assertWorkloadIdentityAndSecretsVolume(null, job);
        assertThat(job.podLabels()).containsEntry("app.kubernetes.io/name", "data-pump")
                .containsEntry("app.kubernetes.io/component", "migrate")
                .doesNotContainKey("datapump.io/http");
        // ...and the image the prod overlay deploys
        String prodImage = Yamls.text(Rendered.of("overlays/prod").get("Deployment", "data-pump-publisher")
                .containers().get(0), "image");
        assertThat(Yamls.text(container, "image")).isEqualTo(prodImage);
    }

    @Test
    void migrationJobIsCoveredByTheOverlaysNetworkPolicyButNotTheirService() {
        // given the Job's pod labels and the prod overlay's NetworkPolicy and Service
        Map<String, String> podLabels = Rendered.of("jobs/migrate").get("Job", "data-pump-migrate").podLabels();
        Rendered prod = Rendered.of("overlays/prod");
        Map<String, String> policySelector = Manifest.strings(
                prod.get("NetworkPolicy", "data-pump").map("spec", "podSelector", "matchLabels"));
        Map<String, String> serviceSelector = Manifest.strings(prod.get("Service", "data-pump").map("spec", "selector"));

        // when the selectors are matched against the labels
        // then the policy limits the Job's traffic too, while the Service does not send it scrapes
        assertThat(podLabels.entrySet()).containsAll(policySelector.entrySet());
        assertThat(podLabels.entrySet().containsAll(serviceSelector.entrySet())).isFalse();
    }
}
