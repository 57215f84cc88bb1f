package io.datapump.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the repository's deployment files are. The root is the system property {@code datapump.repo.root}
 * when set (a build outside the repository, such as a scratch copy), else the first directory at or above
 * the working directory that holds {@code k8s/base/kustomization.yaml} (so {@code mvn verify} in the
 * repository needs nothing).
 */
final class RepoFiles {

    static final String ROOT_PROPERTY = "datapump.repo.root";

    private static Path root;

    private RepoFiles() {
    }

    static synchronized Path root() {
        if (root == null) {
            root = findRoot();
        }
        return root;
    }

    static Path k8s(String relative) {
        return root().resolve("k8s").resolve(relative);
    }

    static Path applicationYaml() {
        return root().resolve("src/main/resources/application.yaml");
    }

    private static Path findRoot() {
        String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured).toAbsolutePath().normalize();
            if (!isRoot(path)) {
                fail(ROOT_PROPERTY + "=" + configured + " has no k8s/base/kustomization.yaml");
            }
            return path;
        }
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (isRoot(dir)) {
                return dir;
            }
        }
        return fail("no k8s/base/kustomization.yaml at or above " + start
                + "; run from the repository or pass -D" + ROOT_PROPERTY + "=<repository root>");
    }

    private static boolean isRoot(Path dir) {
        return Files.isRegularFile(dir.resolve("k8s/base/kustomization.yaml"))
                && Files.isRegularFile(dir.resolve("src/main/resources/application.yaml"));
    }
}
