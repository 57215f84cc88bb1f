package io.datapump.registry;

import io.datapump.DataPumpProperties;

import org.springframework.stereotype.Component;

/**
 * What this profile refuses in a biller's CIS settings as the registry row has them: no URL; a plain http:// URL or
 * token endpoint where datapump.cis.require-https is set (the requests carry payment data); no authentication where
 * datapump.cis.auth.required is set; an incomplete authentication; mtls without https. The same rules decide whether
 * the item consumers call a biller's CIS and whether an operator may write such a row. Whether the named secret is
 * mounted is the item consumer's own check (the pod's secrets, not the row).
 */
@Component
public class CisRules {

    private final DataPumpProperties.Cis settings;

    public CisRules(DataPumpProperties properties) {
        this.settings = properties.getCis();
    }

    /** Why the pump will not call this CIS as the row has it, or null. */
    public String refusal(String cisBaseUrl, CisAuth auth) {
        if (cisBaseUrl == null || cisBaseUrl.isBlank()) {
            return "no CIS URL in the registry";
        }
        if (settings.isRequireHttps() && !https(cisBaseUrl)) {
            return "its CIS URL " + cisBaseUrl + " is not https://, which this profile refuses "
                    + "(datapump.cis.require-https)";
        }
        if (auth.kind() == CisAuth.Kind.NONE) {
            return settings.getAuth().isRequired() ? "its CIS authentication is none, which this profile refuses "
                    + "(datapump.cis.auth.required)" : null;
        }
        String incomplete = auth.incompleteness();
        if (incomplete != null) {
            return "its CIS authentication " + auth.kind().id() + " is incomplete: " + incomplete;
        }
        if (auth.kind() == CisAuth.Kind.OAUTH2_CLIENT_CREDENTIALS && settings.isRequireHttps()
                && !https(auth.tokenUrl())) {
            return "its token endpoint " + auth.tokenUrl() + " is not https://, which this profile refuses "
                    + "(datapump.cis.require-https)";
        }
        if (auth.kind() == CisAuth.Kind.MTLS && !https(cisBaseUrl)) {
            return "its CIS authentication is mtls, which needs an https:// CIS URL";
        }
        return null;
    }

    public String refusal(Biller biller) {
        return refusal(biller.cisBaseUrl(), biller.cisAuth());
    }

    private static boolean https(String url) {
        return url != null && url.regionMatches(true, 0, "https://", 0, 8);
    }
}
