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
    }
}
