package io.datapump.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * datapump.security.*: the local profile's two users (passwords from the environment or generated at start) and,
 * in the azure profile, which Entra ID app roles in the token's role claim make a viewer or an operator.
 */
@ConfigurationProperties(prefix = "datapump.security")
public class SecurityProperties {

    private final LocalUser operator = new LocalUser("operator");
    private final LocalUser viewer = new LocalUser("viewer");
    private final Entra entra = new Entra();

    public LocalUser getOperator() { return operator; }
    public LocalUser getViewer() { return viewer; }
    public Entra getEntra() { return entra; }

    public static class LocalUser {
        private String username;
        /** Blank: a password is generated at start and printed once in the log. */
        private String password = "";

        LocalUser(String username) {
            this.username = username;
        }

        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
    }

    public static class Entra {
        private String rolesClaim = "roles";
        private String viewerRole = "DataPump.Viewer";
        private String operatorRole = "DataPump.Operator";

        public String getRolesClaim() { return rolesClaim; }
        public void setRolesClaim(String rolesClaim) { this.rolesClaim = rolesClaim; }
        public String getViewerRole() { return viewerRole; }
        public void setViewerRole(String viewerRole) { this.viewerRole = viewerRole; }
        public String getOperatorRole() { return operatorRole; }
        public void setOperatorRole(String operatorRole) { this.operatorRole = operatorRole; }
        public SignIn getSignIn() { return signIn; }

        private final SignIn signIn = new SignIn();
    }

    /**
     * Browser sign-in with OpenID Connect (azure profile): the pump's app registration as a confidential client. Off
     * while client-id is blank. The endpoints not given are Entra ID's, derived from the issuer
     * (https://login.microsoftonline.com/&lt;tenant&gt;/v2.0).
     */
    public static class SignIn {
        private String clientId = "";
        private String clientSecret = "";
        private String issuerUri = "";
        private String authorizationUri = "";
        private String tokenUri = "";
        private String jwkSetUri = "";
        private String userNameClaim = "preferred_username";

        public boolean isEnabled() {
            return clientId != null && !clientId.isBlank();
        }

        public String getClientId() { return clientId; }
        public void setClientId(String clientId) { this.clientId = clientId; }
        public String getClientSecret() { return clientSecret; }
        public void setClientSecret(String clientSecret) { this.clientSecret = clientSecret; }
        public String getIssuerUri() { return issuerUri; }
        public void setIssuerUri(String issuerUri) { this.issuerUri = issuerUri; }
        public String getAuthorizationUri() { return authorizationUri; }
        public void setAuthorizationUri(String authorizationUri) { this.authorizationUri = authorizationUri; }
        public String getTokenUri() { return tokenUri; }
        public void setTokenUri(String tokenUri) { this.tokenUri = tokenUri; }
        public String getJwkSetUri() { return jwkSetUri; }
        public void setJwkSetUri(String jwkSetUri) { this.jwkSetUri = jwkSetUri; }
        public String getUserNameClaim() { return userNameClaim; }
        public void setUserNameClaim(String userNameClaim) { this.userNameClaim = userNameClaim; }

        String authorizationUri() {
            return orEntra(authorizationUri, "/oauth2/v2.0/authorize");
        }

        String tokenUri() {
            return orEntra(tokenUri, "/oauth2/v2.0/token");
        }

        String jwkSetUri() {
            return orEntra(jwkSetUri, "/discovery/v2.0/keys");
        }

        /** Entra ID's endpoint beside its v2.0 issuer, unless one is configured. */
        private String orEntra(String configured, String path) {
            if (configured != null && !configured.isBlank()) {
                return configured;
            }
            String tenant = issuerUri.endsWith("/v2.0") ? issuerUri.substring(0, issuerUri.length() - 5) : issuerUri;
            return tenant + path;
        }
    }
}
