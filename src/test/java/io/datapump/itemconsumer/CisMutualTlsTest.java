package io.datapump.itemconsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import io.datapump.DataPumpProperties;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerMode;
import io.datapump.registry.CisAuth;
import io.datapump.registry.CisRules;
import io.datapump.registry.Lane;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A biller with CIS authentication mtls presents its own client certificate (a PKCS#12 secret with its password
 * secret) to a CIS that demands one; other billers' calls to the same server never get that certificate, not even
 * through a pooled connection. The certificates are made by the JDK's keytool for the test.
 */
class CisMutualTlsTest {

    static final String PASSWORD = "changeit";
    @TempDir static Path dir;
    static HttpsServer server;
    static final List<String> clients = new CopyOnWriteArrayList<>();
    static CisAuthentication authentication;
    static CloseableHttpClient http;
    static Path secrets;

    @BeforeAll
    static void startACisThatDemandsClientCertificates() throws Exception {
        // the CIS's own certificate, which the pump trusts through datapump.cis.auth.trust-certificates
        keytool("-genkeypair", "-alias", "cis", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", "cis.p12",
                "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "cis", "-keystore", "cis.p12", "-storepass", PASSWORD, "-file",
                "cis.pem");
        // the biller's client certificate, mounted as its secret with its password beside it
        secrets = Files.createDirectories(dir.resolve("secrets"));
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=biller-mtls", "-validity", "2", "-storetype", "PKCS12", "-keystore", "secrets/mtls-client-cert",
                "-storepass", "client-pass");
        Files.writeString(secrets.resolve("mtls-client-cert.password"), "client-pass\n");
        keytool("-exportcert", "-rfc", "-alias", "client", "-keystore", "secrets/mtls-client-cert", "-storepass",
                "client-pass", "-file", "client.pem");
        keytool("-importcert", "-noprompt", "-alias", "client", "-file", "client.pem", "-storetype", "PKCS12",
                "-keystore", "cis-trust.p12", "-storepass", PASSWORD);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverContext()) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                params.setSSLParameters(ssl);
            }
        });
        server.createContext("/cis/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
                clients.add(((HttpsExchange) exchange).getSSLSession().getPeerPrincipal().getName());
                byte[] body = "{\"confirmationId\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();

        DataPumpProperties properties = new DataPumpProperties();
        properties.getCis().getAuth().setSecretsDir(secrets.toString());
        properties.getCis().getAuth().setTrustCertificates(dir.resolve("cis.pem").toString());
        CisSecrets mounted = new CisSecrets(properties, name -> null);
        CisTls tls = new CisTls(mounted, properties);
        CisTokens tokens = new CisTokens(id -> Optional.empty(), mounted, tls.serverTrust(), properties);
        authentication = new CisAuthentication(mounted, tokens, tls, properties, 20, 10);
        HttpClientBuilder builder = HttpClientBuilder.create();
        authentication.configureHttpClient(builder);
        http = builder.build();
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        authentication.destroy();
        server.stop(0);
    }

    @Test
    void anMtlsBillerPresentsItsCertificateAndNoOtherBillerGetsIt() throws Exception {
        // given: a biller with mtls and one without, both with this CIS
        Biller mtls = biller("mtls", CisAuth.mtls("mtls-client-cert"));
        Biller plain = biller("plain", CisAuth.NONE);
        assertThat(authentication.problem(mtls)).isNull();

        // when: the mtls biller calls twice (the second time over the pooled connection)
        assertThat(post(mtls)).isEqualTo(200);
        assertThat(post(mtls)).isEqualTo(200);

        // then: the CIS saw its certificate both times
        assertThat(clients).containsExactly("CN=biller-mtls", "CN=biller-mtls");

        // and when: the other biller calls the same server, it presents no certificate and is turned away
        assertThatThrownBy(() -> post(plain)).isInstanceOf(IOException.class);
        assertThat(clients).hasSize(2);
    }

    @Test
    void anMtlsBillerWithoutHttpsOrWithAnUnreadableCertificateIsMisconfigured() throws Exception {
        // given: one with a plain http URL, one whose secret is not a PKCS#12 file
        Biller overHttp = new Biller("http", "http", Lane.PRODUCTION, true, false, "jdbc:h2:mem:x",
                "http://127.0.0.1/cis/http", BillerMode.ADAPTER, CisAuth.mtls("mtls-client-cert"));
        Files.writeString(secrets.resolve("garbage-cert"), "not a certificate");
        Biller garbage = biller("garbage", CisAuth.mtls("garbage-cert"));

        // then: each says why
        assertThat(new CisRules(new DataPumpProperties()).refusal(overHttp)).contains("needs an https:// CIS URL");
        assertThat(authentication.problem(garbage)).contains("'garbage-cert'").contains("PKCS#12");
    }

    private static int post(Biller biller) throws IOException {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setVariable(ItemContext.VARIABLE, new ItemContext(null, biller, null, null));
        HttpClientContext context = HttpClientContext.create();
        context.setAttribute("org.apache.camel.Exchange", exchange);
        HttpPost post = new HttpPost(biller.cisBaseUrl() + "/payments");
        post.setEntity(new StringEntity("{}", ContentType.APPLICATION_JSON));
        return http.execute(post, context, response -> {
            EntityUtils.consume(response.getEntity());
            return response.getCode();
        });
    }

    private static Biller biller(String id, CisAuth auth) {
        return new Biller(id, id, Lane.PRODUCTION, true, false, "jdbc:h2:mem:" + id,
                "https://127.0.0.1:" + server.getAddress().getPort() + "/cis/" + id, BillerMode.ADAPTER, auth);
    }

    private static SSLContext serverContext() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("cis.p12"))) {
            keys.load(in, PASSWORD.toCharArray());
        }
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("cis-trust.p12"))) {
            trust.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static void keytool(String... args) throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
