package io.datapump.local;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.annotation.Lazy;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The HTTP front of the built-in CIS simulator: POST /cis-sim/{billerId}/{resource} on a small server of its own
 * (the JDK's, on the loopback, datapump.local.cis-simulator.port, any free port by default), handed to the harness
 * route {@code cis-simulator} (harness/cis-simulator.camel.yaml). The pump calls it for every item; on the
 * application's own web server every one of those calls went through Spring Security's filters and Spring MVC's
 * handler lookup, which cost more CPU than the pump's own work on the item. Started when the bean is created, so the
 * local billers can be registered with its address.
 */
@Component
@Profile("local")
public class CisSimulatorServer implements InitializingBean, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(CisSimulatorServer.class);
    static final String PATH = "/cis-sim/";

    private final LocalProperties.CisSimulator settings;
    private final ProducerTemplate camel;
    private HttpServer server;
    private ExecutorService threads;

    public CisSimulatorServer(LocalProperties local, @Lazy ProducerTemplate camel) {
        this.settings = local.getCisSimulator();
        this.camel = camel;
    }

    @Override
    public void afterPropertiesSet() throws IOException {
        // the JDK server writes a response's headers and body apart: without TCP_NODELAY the body waits for the
        // client's delayed ACK (~40 ms). Read once per JVM, when its first HttpServer starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.getPort()), 256);
        threads = Executors.newFixedThreadPool(settings.getThreads(), r -> {
            Thread t = new Thread(r, "cis-simulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext(PATH, this::handle);
        server.start();
        LOG.info("CIS simulator listening on {}", baseUrl());
    }

    /** Where the simulator answers: the CIS base URL of local billers that have none of their own. */
    public String baseUrl() {
        if (!settings.getBaseUrl().isBlank()) {
            return settings.getBaseUrl();
        }
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH.substring(0, PATH.length() - 1);
    }

    private void handle(HttpExchange http) throws IOException {
        try (http) {
            String[] path = http.getRequestURI().getPath().substring(PATH.length()).split("/");
            if (!"POST".equals(http.getRequestMethod()) || path.length != 2) {
                http.sendResponseHeaders(404, -1);
                return;
            }
            byte[] request = http.getRequestBody().readAllBytes();
            Exchange exchange = camel.send("direct:cis-simulator", e -> {
                e.getMessage().setBody(request);
                e.getMessage().setHeader("billerId", path[0]);
                e.getMessage().setHeader("resource", path[1]);
                e.getMessage().setHeader("Idempotency-Key", http.getRequestHeaders().getFirst("Idempotency-Key"));
                e.getMessage().setHeader("X-Correlation-Id", http.getRequestHeaders().getFirst("X-Correlation-Id"));
            });
            int status = exchange.getException() != null ? 500
                    : exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
            byte[] response = exchange.getException() != null ? new byte[0]
                    : exchange.getMessage().getBody(byte[].class);
            http.getResponseHeaders().set("Content-Type", "application/json");
            http.sendResponseHeaders(status, response == null || response.length == 0 ? -1 : response.length);
            if (response != null && response.length > 0) {
                try (OutputStream out = http.getResponseBody()) {
                    out.write(response);
                }
            }
        }
    }

    @Override
    public void destroy() {
        if (server != null) {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
