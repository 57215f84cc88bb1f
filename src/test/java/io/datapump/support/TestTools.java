package io.datapump.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * The command-line tools some tests drive (kubectl, Chromium). The build installs them on a Debian-family machine
 * (scripts/install-test-tools.sh); where it could not, it wrote why to target/test-tools.txt, and a test that needs
 * the tool is skipped with that reason. A tool the build should have installed but is missing fails the test, so CI
 * never passes by skipping.
 */
public final class TestTools {

    static final Path STATUS = Path.of("target", "test-tools.txt");

    private TestTools() {
    }

    /**
     * Returns when the tool is there; skips the test when the build reported it could not install {@code package};
     * otherwise fails with {@code howToGetIt}.
     */
    public static void require(boolean present, String debianPackage, String howToGetIt) {
        require(present, debianPackage, howToGetIt, STATUS);
    }

    static void require(boolean present, String debianPackage, String howToGetIt, Path status) {
        if (present) {
            return;
        }
        Optional<String> notInstalled = reason(debianPackage, status);
        Assumptions.assumeTrue(notInstalled.isEmpty(), () -> "skipped: " + notInstalled.orElseThrow()
                + "; " + howToGetIt);
        throw new AssertionError(howToGetIt);
    }

    private static Optional<String> reason(String debianPackage, Path status) {
        if (!Files.exists(status)) {
            return Optional.empty();
        }
        try {
            return Files.readAllLines(status).stream().filter(l -> l.startsWith(debianPackage + ":")).findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
