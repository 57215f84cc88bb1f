package io.datapump.itemconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import javax.net.ssl.SSLContext;

import io.datapump.DataPumpProperties;
import io.datapump.failure.CisAuthenticationException;
import io.datapump.failure.FailureKind;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerMode;
import io.datapump.registry.CisAuth;
import io.datapump.registry.Lane;
import io.datapump.support.CisStub;
import io.datapump.support.Ports;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OAuth2 client-credentials tokens against a real token endpoint (the CIS stub's): one fetch per expiry window however
 * many calls want a token at once, one refresh for all the calls a 401 hit, and clear reasons when it fails.
 */
class CisTokensTest {


    @TempDir Path secretsDir;
    CisStub cis;
    DataPumpProperties properties;

    @BeforeEach
    void setUp() throws Exception {
        cis = new CisStub();
        properties = new DataPumpProperties();
        properties.getCis().getAuth().setSecretsDir(secretsDir.toString());
    }

    @AfterEach
    void tearDown() {
        cis.close();
    }

    @Test
    void oneTokenFetchPerExpiryWindowHoweverManyCallsWantOne() throws Exception {
        // given: a biller with OAuth2, tokens valid 3 s and replaced 1 s before they expire: a 2-second window
        cis.tokenLifetime(Duration.ofSeconds(3));
        properties.getCis().getAuth().setTokenRefreshBefore(Duration.ofSeconds(1));
        Biller biller = oauth2Biller("tokens", cis.tokenUrl(), "right");
        CisTokens tokens = tokens(biller);

        // when: 16 threads ask for its token without pause for 5 seconds
        long start = System.nanoTime();
        Set<String> seen = concurrently(16, Duration.ofSeconds(5), () -> tokens.token(biller));
        double windows = (System.nanoTime() - start) / 2e9;

        // then: one fetch per window begun, however many calls there were
        assertThat(cis.tokenFetches()).isGreaterThanOrEqualTo(2).isLessThanOrEqualTo((int) Math.ceil(windows) + 1);
        assertThat(seen).hasSize(cis.tokenFetches());
    }

    @Test
    void aRejectedTokenIsRefreshedOnceForAllTheCallsThatSawIt() throws Exception {
        // given: a cached token
        Biller biller = oauth2Biller("refresh", cis.tokenUrl(), "right");
        CisTokens tokens = tokens(biller);
        String rejected = tokens.token(biller);

        // when: 16 calls got a 401 with it and each asks for a fresh one
        Set<String> fresh = concurrently(16, Duration.ZERO, () -> tokens.refresh(biller, rejected));

        // then: one new fetch, and all 16 use the same new token
        assertThat(cis.tokenFetches()).isEqualTo(2);
        assertThat(fresh).hasSize(1).doesNotContain(rejected);
    }

    @Test
    void aWrongSecretIsRefusedWithAClearReasonAndTheFixedSecretWorksWithoutARestart() throws Exception {
        // given: the mounted secret is not the one the token endpoint knows
        Biller biller = oauth2Biller("wrong", cis.tokenUrl(), "right");
        Path file = secretsDir.resolve("wrong-secret");
        Files.writeString(file, "typo");
        CisTokens tokens = tokens(biller);

        // then: a permanent CisUnauthorized failure that says what to fix
        assertThatThrownBy(() -> tokens.token(biller))
                .isInstanceOfSatisfying(CisAuthenticationException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.PERMANENT);
                    assertThat(e.errorClass()).isEqualTo("CisUnauthorized");
                    assertThat(e.getMessage()).contains("refused biller wrong's client credentials")
                            .contains("'wrong-secret'").contains("replay").doesNotContain("typo");
                });

        // when: the secret is fixed in the mount
        Files.writeString(file, "right");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        // then: the next call gets a token
        assertThat(tokens.token(biller)).isNotBlank();
        assertThat(cis.tokenFetches()).isEqualTo(1);
    }

    @Test
    void anUnreachableTokenEndpointIsATransientFailure() throws Exception {
        // given: nothing listens at the token URL
        Biller biller = oauth2Biller("unreachable", "http://127.0.0.1:" + Ports.free() + "/token", "right");
        CisTokens tokens = tokens(biller);

        // then
        assertThatThrownBy(() -> tokens.token(biller))
                .isInstanceOfSatisfying(CisAuthenticationException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
                    assertThat(e.errorClass()).isEqualTo("CisTokenUnavailable");
                });
    }

    private Biller oauth2Biller(String id, String tokenUrl, String secret) throws Exception {
        Files.writeString(secretsDir.resolve(id + "-secret"), secret);
        cis.requireBearer(id, "client-" + id, () -> "right");
        return new Biller(id, id, Lane.PRODUCTION, true, false, "jdbc:h2:mem:" + id, cis.baseUrl(id),
                BillerMode.ADAPTER, CisAuth.oauth2(id + "-secret", tokenUrl, "client-" + id, "items.write"));
    }

    private CisTokens tokens(Biller biller) throws Exception {
        return new CisTokens(id -> Optional.of(biller).filter(b -> b.id().equals(id)),
                new CisSecrets(properties, name -> null), SSLContext.getDefault(), properties);
    }

    /** Each of {@code threads} calls once, then again until {@code duration} has passed; every result. */
    private static Set<String> concurrently(int threads, Duration duration, Callable<String> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long end = System.nanoTime() + duration.toNanos();
        try {
            Set<String> results = ConcurrentHashMap.newKeySet();
            List<Future<?>> done = IntStream.range(0, threads).<Future<?>>mapToObj(t -> pool.submit(() -> {
                do {
                    results.add(call.call());
                } while (System.nanoTime() < end);
                return null;
            })).toList();
            for (Future<?> f : done) {
                f.get();
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
