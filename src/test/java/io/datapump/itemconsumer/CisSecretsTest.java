package io.datapump.itemconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

import io.datapump.DataPumpProperties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mounted CIS secrets: read from their files, re-read when rotated, from the environment when not mounted. */
class CisSecretsTest {

    @TempDir Path dir;

    private CisSecrets secrets(Map<String, String> env) {
        DataPumpProperties properties = new DataPumpProperties();
        properties.getCis().getAuth().setSecretsDir(dir.toString());
        return new CisSecrets(properties, env::get);
    }

    @Test
    void aMountedSecretIsReadAndARotatedOneIsUsedWithoutARestart() throws Exception {
        // given: a secret as the CSI driver mounts it (with a trailing newline)
        Path file = dir.resolve("acme-key");
        Files.writeString(file, "first\n");
        CisSecrets secrets = secrets(Map.of());
        assertThat(secrets.text("acme-key")).contains("first");

        // when: Key Vault rotates it and the driver writes the new value
        Files.writeString(file, "second-value\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        // then: the next read has the new value
        assertThat(secrets.text("acme-key")).contains("second-value");
        assertThat(secrets.problem("acme-key")).isNull();
    }

    @Test
    void aSecretWithoutAFileIsReadFromTheEnvironment() {
        // given: no file, but CIS_SECRET_CITY_POWER_KEY in the environment
        CisSecrets secrets = secrets(Map.of("CIS_SECRET_CITY_POWER_KEY", "from-env"));

        // then
        assertThat(secrets.text("city-power.key")).contains("from-env");
    }

    @Test
    void aMissingSecretIsNamedWithWhereItWasLookedFor() {
        // given: neither a file nor an environment variable
        CisSecrets secrets = secrets(Map.of());

        // then: the reason names both places
        assertThat(secrets.text("nowhere")).isEmpty();
        assertThat(secrets.problem("nowhere")).contains("not mounted").contains(dir.resolve("nowhere").toString())
                .contains("CIS_SECRET_NOWHERE");
    }

    @Test
    void aSecretNameCannotReachOutsideTheSecretsFolder() throws Exception {
        // given: a file next to the secrets folder
        Files.writeString(dir.getParent().resolve("outside-" + dir.getFileName()), "not a secret");
        CisSecrets secrets = secrets(Map.of());

        // then: a name with a path in it is refused, never read
        assertThat(secrets.problem("../outside-" + dir.getFileName())).contains("not a plain name");
        assertThatThrownBy(() -> secrets.bytes("../outside-" + dir.getFileName()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
