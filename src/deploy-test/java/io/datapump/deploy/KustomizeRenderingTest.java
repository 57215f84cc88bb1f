package io.datapump.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;

/** Every kustomization in k8s/ renders with kubectl, into the objects the deployment consists of. */
class KustomizeRenderingTest {

    static final List<String> WORKLOADS = List.of(
            "Deployment/data-pump-publisher",
            "Deployment/data-pump-biller-consumer-production",
            "Deployment/data-pump-biller-consumer-demo",
            "Deployment/data-pump-item-consumer-production",
            "Deployment/data-pump-item-consumer-demo");

    @ParameterizedTest
    @ValueSource(strings = {"overlays/dev", "overlays/prod"})
    void overlayRendersTheWholeDeployment(String overlay) {
        // given the overlay's kustomization
        // when kubectl renders it
        List<Manifest> rendered = Kustomize.render(overlay);

        // then it holds the five workloads and everything they rely on, and nothing twice
        List<String> ids = rendered.stream().map(Manifest::id).toList();
        assertThat(ids).doesNotHaveDuplicates();
        assertThat(ids).containsAll(WORKLOADS);
        assertThat(ids).contains(
                "Namespace/" + (overlay.endsWith("dev") ? "data-pump-dev" : "data-pump"),
                "ServiceAccount/data-pump",
                "ConfigMap/data-pump-config",
                "SecretProviderClass/data-pump-keyvault",
                "TriggerAuthentication/data-pump-servicebus",
                "ScaledObject/data-pump-biller-consumer-production",
                "ScaledObject/data-pump-biller-consumer-demo",
                "ScaledObject/data-pump-item-consumer-production",
                "ScaledObject/data-pump-item-consumer-demo",
                "NetworkPolicy/data-pump",
                "Service/data-pump",
                "ServiceMonitor/data-pump");
    }

    @Test
    void baseRendersOnItsOwn() {
        // given the base, which overlays build on
        // when kubectl renders it alone
        List<Manifest> rendered = Kustomize.render("base");

        // then it holds the workloads, and no namespace (the overlay chooses it)
        assertThat(rendered).extracting(Manifest::id).containsAll(WORKLOADS);
        assertThat(rendered).extracting(Manifest::kind).doesNotContain("Namespace");
    }

    @Test
    void migrationJobRendersOnItsOwn() {
        // given the migration's own kustomization
        // when kubectl renders it
        List<Manifest> rendered = Kustomize.render("jobs/migrate");

        // then it is the Job and nothing else
        assertThat(rendered).extracting(Manifest::id).containsExactly("Job/data-pump-migrate");
    }

    @Test
    void missingKubectlFailsWithInstallInstructions() {
        // given a search path without kubectl
        // when the tests look for kubectl
        // then they fail (never skip) and say how to install it
        assertThatThrownBy(() -> Kustomize.locateKubectl("kubectl", "/nonexistent-directory"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("kubectl was not found on the PATH")
                .hasMessageContaining("apt-get install -y kubernetes-client");
    }
}
