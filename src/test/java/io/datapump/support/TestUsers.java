package io.datapump.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The local users as the tests know them (src/test/resources/config/application-local.yaml). */
public final class TestUsers {

    public static final String OPERATOR = "operator";
    public static final String OPERATOR_PASSWORD = "test-operator-password";
    public static final String VIEWER = "viewer";
    public static final String VIEWER_PASSWORD = "test-viewer-password";

    private TestUsers() {
    }

    /** An HTTP Basic Authorization header value. */
    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
