package io.datapump.support;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** A test that needs a tool runs, is skipped with the build's reason, or fails: never passes by skipping on CI. */
class TestToolsTest {

    @TempDir Path dir;

    @Test
    void aToolThatIsThereLetsTheTestRun() {
        assertThatCode(() -> TestTools.require(true, "chromium", "install it", dir.resolve("none.txt")))
                .doesNotThrowAnyException();
    }

    @Test
    void aToolTheBuildCouldNotInstallSkipsTheTestWithTheReason() throws Exception {
        Path status = Files.writeString(dir.resolve("test-tools.txt"),
                "chromium: not installed (this machine has no apt-get)\n");

        assertThatThrownBy(() -> TestTools.require(false, "chromium", "brew install chromium", status))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("no apt-get")
                .hasMessageContaining("brew install chromium");
    }

    @Test
    void aToolTheBuildShouldHaveInstalledFailsTheTest() throws Exception {
        Path status = Files.writeString(dir.resolve("test-tools.txt"), "");

        assertThatThrownBy(() -> TestTools.require(false, "kubernetes-client", "install kubectl", status))
                .isInstanceOf(AssertionError.class).hasMessageContaining("install kubectl");
    }
}
