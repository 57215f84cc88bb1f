package io.datapump.itemconsumer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.datapump.DataPumpProperties;
import io.datapump.registry.Biller;
import io.datapump.registry.CisAuth;

import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.ssl.SSLContextBuilder;
import org.springframework.stereotype.Component;

/**
 * TLS towards the CIS APIs. Every connection trusts datapump.cis.auth.trust-certificates (or the JVM's CAs); a biller
 * with CIS authentication mtls also presents its own client certificate, a PKCS#12 file mounted as its secret (binary
 * or base64, as the Key Vault CSI driver writes it; password from the secret "&lt;name&gt;.password", empty if none).
 * A changed certificate file is loaded for the next new connection, without a restart.
 */
@Component
public class CisTls {

    private final CisSecrets secrets;
    private final SSLContext serverTrust;
    private final KeyStore trusted;
    private final TlsSocketStrategy plain;
    private final Map<String, Client> clients = new ConcurrentHashMap<>();

    /** One biller's client-certificate TLS, and the secret bytes it was built from. */
    private record Client(byte[] keyStore, byte[] password, TlsSocketStrategy strategy) {
    }

    public CisTls(CisSecrets secrets, DataPumpProperties properties) {
        this.secrets = secrets;
        String pem = properties.getCis().getAuth().getTrustCertificates();
        try {
            this.trusted = pem.isBlank() ? null : trustStore(Path.of(pem));
            this.serverTrust = context(null, null);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("datapump.cis.auth.trust-certificates " + pem + " cannot be used: " + e, e);
        }
        this.plain = new DefaultClientTlsStrategy(serverTrust);
    }

    /** The TLS context for servers only (no client certificate): token endpoints, and billers without mtls. */
    public SSLContext serverTrust() {
        return serverTrust;
    }

    /** Chooses each new connection's TLS by the biller the request is for (see {@link CisAuthentication}). */
    public TlsSocketStrategy strategy() {
        return new TlsSocketStrategy() {
            @Override
            public SSLSocket upgrade(Socket socket, String target, int port, Object attachment, HttpContext context)
                    throws IOException {
                Biller biller = context == null ? null : (Biller) context.getAttribute(CisAuthentication.BILLER);
                TlsSocketStrategy tls = biller != null && biller.cisAuth().kind() == CisAuth.Kind.MTLS
                        ? client(biller) : plain;
                return tls.upgrade(socket, target, port, attachment, context);
            }
        };
    }

    /** The biller's client-certificate TLS as its mounted secret is now; throws when it cannot be loaded. */
    TlsSocketStrategy client(Biller biller) {
        String name = biller.cisAuth().secretRef();
        byte[] keyStore = secrets.bytes(name).orElseThrow(() -> new IllegalStateException(secrets.problem(name)));
        byte[] password = secrets.bytes(name + ".password").orElse(new byte[0]);
        Client current = clients.get(biller.id());
        // the secrets reader hands out the same array until the file changes
        if (current != null && current.keyStore() == keyStore && current.password() == password) {
            return current.strategy();
        }
        try {
            char[] secret = new String(password, java.nio.charset.StandardCharsets.UTF_8).strip().toCharArray();
            Client built = new Client(keyStore, password,
                    new DefaultClientTlsStrategy(context(pkcs12(keyStore, secret), secret)));
            clients.put(biller.id(), built);
            return built.strategy();
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new IllegalStateException("the client certificate '" + name + "' of biller " + biller.id()
                    + " cannot be loaded as PKCS#12: " + e.getMessage(), e);
        }
    }

    private SSLContext context(KeyStore keys, char[] password) throws GeneralSecurityException {
        SSLContextBuilder builder = SSLContextBuilder.create();
        if (keys != null) {
            builder.loadKeyMaterial(keys, password);
        }
        if (trusted != null) {
            builder.loadTrustMaterial(trusted, null);
        }
        return builder.build();
    }

    private static KeyStore pkcs12(byte[] bytes, char[] password) throws GeneralSecurityException, IOException {
        try {
            return load(bytes, password);
        } catch (IOException notBinary) {
            // the CSI driver writes a certificate object base64-encoded unless told to decode it
            return load(Base64.getMimeDecoder().decode(bytes), password);
        }
    }

    private static KeyStore load(byte[] bytes, char[] password) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            store.load(in, password);
        }
        return store;
    }

    private static KeyStore trustStore(Path pem) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int n = 0;
        try (InputStream in = Files.newInputStream(pem)) {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
        }
        if (n == 0) {
            throw new GeneralSecurityException("no certificate in " + pem);
        }
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).init(store);
        return store;
    }
}
