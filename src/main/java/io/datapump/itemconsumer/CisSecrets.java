package io.datapump.itemconsumer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.datapump.DataPumpProperties;
import io.datapump.registry.CisAuth;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The CIS secrets the pod mounts: a registry row names a secret (CisSecretRef), this reads it. A name is a file in
 * datapump.cis.auth.secrets-dir (where the Key Vault CSI driver writes each object), re-read whenever the file
 * changes, so a rotated secret is used without a restart; a name with no file there is looked up in the environment
 * as CIS_SECRET_&lt;NAME&gt; (upper case, other characters as _). Values are never logged.
 */
@Component
public class CisSecrets {

    private final DataPumpProperties.Auth settings;
    private final Function<String, String> environment;
    private final Map<Path, Read> cache = new ConcurrentHashMap<>();

    /** One read of a file, kept until the file's modification time or size changes. */
    private record Read(FileTime modified, long size, byte[] bytes) {
    }

    @Autowired
    public CisSecrets(DataPumpProperties properties) {
        this(properties, System::getenv);
    }

    CisSecrets(DataPumpProperties properties, Function<String, String> environment) {
        this.settings = properties.getCis().getAuth();
        this.environment = environment;
    }

    /** The secret's bytes as they are now, or empty when it is mounted nowhere. */
    public Optional<byte[]> bytes(String name) {
        requireValidName(name);
        Path file = file(name);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            Read read = cache.get(file);
            if (read == null || !read.modified().equals(attributes.lastModifiedTime())
                    || read.size() != attributes.size()) {
                read = new Read(attributes.lastModifiedTime(), attributes.size(), Files.readAllBytes(file));
                cache.put(file, read);
            }
            return Optional.of(read.bytes());
        } catch (NoSuchFileException absent) {
            cache.remove(file);
        } catch (IOException unreadable) {
            throw new IllegalStateException("CIS secret '" + name + "' cannot be read from " + file + ": "
                    + unreadable.getClass().getSimpleName(), unreadable);
        }
        String value = environment.apply(environmentName(name));
        return value == null ? Optional.empty() : Optional.of(value.getBytes(StandardCharsets.UTF_8));
    }

    /** The secret as text, without surrounding white space (a trailing newline from the mount is common). */
    public Optional<String> text(String name) {
        return bytes(name).map(b -> new String(b, StandardCharsets.UTF_8).strip());
    }

    /** Why the secret cannot be used, or null. */
    public String problem(String name) {
        if (!CisAuth.isSecretName(name)) {
            return "its CIS secret name '" + name + "' is not a plain name (letters, digits, . _ -)";
        }
        try {
            if (bytes(name).isEmpty()) {
                return "its CIS secret '" + name + "' is not mounted: no file " + file(name) + " and no env "
                        + environmentName(name);
            }
        } catch (IllegalStateException unreadable) {
            return unreadable.getMessage();
        }
        return null;
    }

    /** Where the secret's file is (or would be). */
    public Path file(String name) {
        return Path.of(settings.getSecretsDir()).resolve(name);
    }

    static String environmentName(String name) {
        return "CIS_SECRET_" + name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    private static void requireValidName(String name) {
        if (!CisAuth.isSecretName(name)) {
            throw new IllegalArgumentException("CIS secret name '" + name + "' is not a plain name");
        }
    }
}
