package io.datapump.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with {@code kubectl kustomize}, as {@code kubectl apply -k} would, and parses the
 * output. The tests need a real kubectl: without one they fail, saying how to get one, unless the build reported it
 * could not install one on this machine (then they are skipped with that reason).
 * {@code -Dkubectl=/path/to/kubectl} (or the environment variable KUBECTL) picks a specific binary, e.g. to
 * try the old kustomize v2.0.3 of Debian's kubectl 1.20.
 */
final class Kustomize {

    static final String INSTALL_HINT = "The deployment tests render k8s/ with `kubectl kustomize`. Install kubectl,"
            + " e.g. on Debian or Ubuntu: `apt-get install -y kubernetes-client` (kubectl 1.20 with kustomize"
            + " v2.0.3 is enough), or pass -Dkubectl=/path/to/kubectl.";

    private static final long TIMEOUT_SECONDS = 120;
    private static final Map<Path, List<Manifest>> RENDERED = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** The objects {@code kubectl kustomize k8s/<relative>} renders, in its order. */
    static List<Manifest> render(String relative) {
        return RENDERED.computeIfAbsent(RepoFiles.k8s(relative).normalize(), Kustomize::run);
    }

    static Path kubectl() {
        String configured = System.getProperty("kubectl", System.getenv("KUBECTL"));
        if (configured == null || configured.isBlank()) {
            // skipped with the reason where the build could not install kubectl (no apt-get, no root)
            io.datapump.support.TestTools.require(onPath("kubectl", System.getenv("PATH")), "kubernetes-client",
                    INSTALL_HINT);
        }
        return locateKubectl(configured == null || configured.isBlank() ? "kubectl" : configured,
                System.getenv("PATH"));
    }

    private static boolean onPath(String name, String searchPath) {
        for (String dir : (searchPath == null ? "" : searchPath).split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    /** The kubectl binary: a path as given, or a bare name looked up on the search path. */
    static Path locateKubectl(String nameOrPath, String searchPath) {
        if (nameOrPath.contains(File.separator)) {
            Path path = Path.of(nameOrPath);
            if (Files.isExecutable(path)) {
                return path;
            }
            return fail("kubectl " + nameOrPath + " is not an executable file. " + INSTALL_HINT);
        }
        for (String dir : (searchPath == null ? "" : searchPath).split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, nameOrPath);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fail("kubectl was not found on the PATH. " + INSTALL_HINT);
    }

    private static List<Manifest> run(Path dir) {
        Path kubectl = kubectl();
        try {
            Path out = Files.createTempFile("kustomize", ".yaml");
            Path err = Files.createTempFile("kustomize", ".err");
            try {
                // files, not pipes: a full pipe would block kubectl while we wait for it
                Process process = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return fail(kubectl + " kustomize " + dir + " did not finish in " + TIMEOUT_SECONDS + " s");
                }
                String stderr = Files.readString(err, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    return fail(kubectl + " kustomize " + dir + " failed (exit " + process.exitValue() + "):\n"
                            + stderr);
                }
                return parse(Files.readString(out, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return fail("could not run " + kubectl + " kustomize " + dir + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while rendering " + dir);
        }
    }

    static List<Manifest> parse(String multiDocumentYaml) {
        List<Manifest> manifests = new ArrayList<>();
        for (Object document : Yamls.loadAll(multiDocumentYaml)) {
            if (document != null) {
                manifests.add(new Manifest(Yamls.asMap(document)));
            }
        }
        return manifests;
    }
}
