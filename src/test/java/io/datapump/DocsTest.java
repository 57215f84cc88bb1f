package io.datapump;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** The README is a newcomer's path: short, and every link in it and in docs/ leads to a file in the repository. */
class DocsTest {

    static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

    @Test
    void theReadmeStaysAShortPath() throws IOException {
        // given / when
        List<String> readme = Files.readAllLines(Path.of("README.md"));

        // then
        assertThat(readme).as("README.md lines").hasSizeLessThanOrEqualTo(200);
    }

    @Test
    void everyRelativeLinkInTheDocsResolvesInsideTheRepository() throws IOException {
        // given
        Path repo = Path.of("").toAbsolutePath();
        List<Path> docs = new ArrayList<>();
        docs.add(Path.of("README.md"));
        docs.add(Path.of("k8s", "README.md"));
        try (Stream<Path> files = Files.list(Path.of("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).forEach(docs::add);
        }

        // when
        List<String> broken = new ArrayList<>();
        for (Path doc : docs) {
            Matcher m = LINK.matcher(Files.readString(doc));
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue; // http(s), mailto: outside links are the reader's to follow
                }
                Path resolved = doc.toAbsolutePath().getParent().resolve(target).normalize();
                if (!resolved.startsWith(repo) || !Files.exists(resolved)) {
                    broken.add(doc + " -> " + target);
                }
            }
        }

        // then
        assertThat(broken).as("links that leave the repository or lead nowhere").isEmpty();
    }
}
