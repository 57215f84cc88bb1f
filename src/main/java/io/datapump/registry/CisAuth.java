package io.datapump.registry;

import java.util.Locale;

/**
 * How the pump authenticates to one biller's CIS, as the registry has it: a kind and the name of a secret the pod
 * mounts ({@code datapump.cis.secrets-dir}), never the secret itself. See docs/cis-authentication.md.
 *
 * @param kind      none, api-key, oauth2-client-credentials or mtls
 * @param secretRef the secret's name: the api key, the OAuth2 client secret, or the PKCS#12 client certificate
 * @param header    api-key: the header that carries the key (blank: X-Api-Key)
 * @param tokenUrl  oauth2-client-credentials: the token endpoint
 * @param clientId  oauth2-client-credentials: the client id
 * @param scope     oauth2-client-credentials: the scopes asked for, space separated (blank: none)
 */
public record CisAuth(Kind kind, String secretRef, String header, String tokenUrl, String clientId, String scope) {

    public static final CisAuth NONE = new CisAuth(Kind.NONE, null, null, null, null, null);
    /** Secret names are plain file names: nothing that could climb out of the secrets folder. */
    private static final java.util.regex.Pattern SECRET_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    public static final String DEFAULT_HEADER = "X-Api-Key";

    public CisAuth {
        kind = kind == null ? Kind.NONE : kind;
    }

    public static CisAuth apiKey(String secretRef, String header) {
        return new CisAuth(Kind.API_KEY, secretRef, header, null, null, null);
    }

    public static CisAuth oauth2(String secretRef, String tokenUrl, String clientId, String scope) {
        return new CisAuth(Kind.OAUTH2_CLIENT_CREDENTIALS, secretRef, null, tokenUrl, clientId, scope);
    }

    public static CisAuth mtls(String secretRef) {
        return new CisAuth(Kind.MTLS, secretRef, null, null, null, null);
    }

    /** Whether {@code name} can name a mounted secret (letters, digits, . _ -; no path). */
    public static boolean isSecretName(String name) {
        return name != null && SECRET_NAME.matcher(name).matches();
    }

    /** The api-key header, X-Api-Key unless the registry names another. */
    public String headerName() {
        return header == null || header.isBlank() ? DEFAULT_HEADER : header.strip();
    }

    /** What is missing from the registry row for this kind, or null when it is complete. */
    public String incompleteness() {
        return switch (kind) {
            case NONE -> null;
            case API_KEY, MTLS -> blank(secretRef) ? "CisSecretRef is empty" : null;
            case OAUTH2_CLIENT_CREDENTIALS -> blank(secretRef) ? "CisSecretRef is empty"
                    : blank(tokenUrl) ? "CisTokenUrl is empty"
                    : blank(clientId) ? "CisClientId is empty" : null;
        };
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The kinds of CIS authentication (registry column Biller.CisAuth). */
    public enum Kind {
        NONE("none"),
        API_KEY("api-key"),
        OAUTH2_CLIENT_CREDENTIALS("oauth2-client-credentials"),
        MTLS("mtls");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** The name stored in the registry and shown by the status API. */
        public String id() {
            return id;
        }

        public static Kind of(String id) {
            if (id == null || id.isBlank()) {
                return NONE;
            }
            for (Kind kind : values()) {
                if (kind.id.equals(id.strip().toLowerCase(Locale.ROOT))) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown CIS authentication '" + id
                    + "' (expected none, api-key, oauth2-client-credentials or mtls)");
        }
    }
}
