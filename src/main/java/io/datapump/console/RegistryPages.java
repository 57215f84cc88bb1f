package io.datapump.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.datapump.DataPumpProperties;
import io.datapump.admin.AdminAudit;
import io.datapump.admin.AdminController;
import io.datapump.admin.ApiException;
import io.datapump.admin.BillerSettings;
import io.datapump.registry.Biller;
import io.datapump.registry.BillerRegistry;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Registry administration on the operations pages: onboarding a biller (/ops/billers/new) and editing one
 * (/ops/billers/{id}/edit). Each action first shows what will change (before and after; for onboarding the shard that
 * will be migrated), then posts; both go through {@link BillerSettings} like the API and are audited the same way,
 * marked "(from /ops)". Viewers see the forms read-only; the security rules refuse their POSTs. Secrets are never
 * shown, only their names.
 */
@Controller
@RequestMapping("/ops/billers")
public class RegistryPages {

    private final BillerSettings settings;
    private final BillerRegistry registry;
    private final AdminAudit audit;
    private final ObjectMapper json;
    private final int globalCisLimit;

    public RegistryPages(BillerSettings settings, BillerRegistry registry, AdminAudit audit, ObjectMapper json,
                         DataPumpProperties properties) {
        this.settings = settings;
        this.registry = registry;
        this.audit = audit;
        this.json = json;
        this.globalCisLimit = properties.getCis().getMaxConcurrentPerBiller();
    }

    /**
     * The onboarding and edit forms as posted: every field a string, as a browser sends it. {@code cisMaxConcurrent}
     * blank: the global limit; {@code enabled} on or off.
     */
    public record BillerForm(String id, String name, String lane, String shardJdbcUrl, String cisBaseUrl,
                             String authKind, String secretRef, String header, String tokenUrl, String clientId,
                             String scope, String enabled, String mode, String cisMaxConcurrent) {

        static BillerForm of(Biller b) {
            return new BillerForm(b.id(), b.name(), b.lane().id(), b.shardJdbcUrl(), b.cisBaseUrl(),
                    b.cisAuth().kind().id(), b.cisAuth().secretRef(), b.cisAuth().header(), b.cisAuth().tokenUrl(),
                    b.cisAuth().clientId(), b.cisAuth().scope(), b.enabled() ? "on" : "off", b.mode().id(),
                    b.cisMaxConcurrent() == null ? "" : b.cisMaxConcurrent().toString());
        }

        static BillerForm empty() {
            return new BillerForm("", "", "production", "", "", "none", "", "", "", "", "", "off", "adapter", "");
        }

        BillerSettings.CisAuthChange cisAuth() {
            return new BillerSettings.CisAuthChange(authKind, secretRef, header, tokenUrl, clientId, scope);
        }

        BillerSettings.NewBiller newBiller() {
            Integer limit = limit();
            return new BillerSettings.NewBiller(id == null ? null : id.strip(), name, lane, shardJdbcUrl, cisBaseUrl,
                    cisAuth(), "on".equalsIgnoreCase(enabled) || "true".equalsIgnoreCase(enabled), mode,
                    limit == null || limit == 0 ? null : limit);
        }

        BillerSettings.Change change() {
            Integer limit = limit();
            return new BillerSettings.Change(name, cisBaseUrl, enabled == null ? null
                    : "on".equalsIgnoreCase(enabled) || "true".equalsIgnoreCase(enabled), mode, cisAuth(),
                    limit == null ? 0 : limit);
        }

        private Integer limit() {
            if (cisMaxConcurrent == null || cisMaxConcurrent.isBlank()) {
                return null;
            }
            try {
                return Integer.valueOf(cisMaxConcurrent.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("cisMaxConcurrent must be a whole number from 1 to 1000, or empty for "
                        + "the global limit");
            }
        }
    }

    /** One line of a confirmation: a setting, what it is, what it will be. */
    public record Line(String field, String before, String after, boolean changed) {
    }

    // ---- onboarding --------------------------------------------------------------------------------------------

    @GetMapping("/new")
    public String onboardForm(Model model, HttpServletRequest request) {
        return form(model, request, BillerForm.empty(), false, null);
    }

    /** Step 1: what onboarding will do (the shard migrated, then the row), or the form again with the reason. */
    @PostMapping("/new/confirm")
    public String onboardConfirm(BillerForm form, Model model, HttpServletRequest request,
                                 HttpServletResponse response) {
        Biller biller;
        try {
            biller = settings.checkOnboarding(form.newBiller());
        } catch (ApiException e) {
            response.setStatus(e.status().value());
            return form(model, request, form, false, e.getMessage());
        }
        page(model, request);
        model.addAttribute("form", form);
        model.addAttribute("editing", false);
        model.addAttribute("biller", biller);
        model.addAttribute("lines", lines(null, BillerSettings.view(biller)));
        return "ops/biller-confirm";
    }

    /** Step 2: the confirmed onboarding. */
    @PostMapping("/new")
    public String onboard(BillerForm form, Model model, HttpServletRequest request, HttpServletResponse response)
            throws JsonProcessingException {
        String actor = AdminAudit.actor(request);
        BillerSettings.NewBiller biller;
        try {
            biller = form.newBiller();
        } catch (ApiException e) {
            response.setStatus(e.status().value());
            return form(model, request, form, false, e.getMessage());
        }
        String details = json.writeValueAsString(biller);
        try {
            Map<String, Object> result = settings.onboard(biller);
            audit.record(actor, "biller-onboard", biller.id(), details,
                    AdminController.onboarded(result) + " (from /ops)");
        } catch (ApiException e) {
            audit.record(actor, "biller-onboard", biller.id(), details, "refused: " + e.getMessage() + " (from /ops)");
            response.setStatus(e.status().value());
            return form(model, request, form, false, e.getMessage());
        }
        return "redirect:/ops/billers";
    }

    // ---- editing -----------------------------------------------------------------------------------------------

    @GetMapping("/{id}/edit")
    public String editForm(@PathVariable("id") String billerId, Model model, HttpServletRequest request) {
        return form(model, request, BillerForm.of(existing(billerId)), true, null);
    }

    /** Step 1: every setting before and after, the changed ones marked, or the form again with the reason. */
    @PostMapping("/{id}/edit/confirm")
    public String editConfirm(@PathVariable("id") String billerId, BillerForm form, Model model,
                              HttpServletRequest request, HttpServletResponse response) {
        Biller current = existing(billerId);
        form = withIdentity(form, current);
        Map<String, Object> preview;
        try {
            preview = settings.preview(billerId, form.change());
        } catch (ApiException e) {
            response.setStatus(e.status().value());
            return form(model, request, form, true, e.getMessage());
        }
        page(model, request);
        List<Line> lines = lines(view(preview, "before"), view(preview, "after"));
        model.addAttribute("form", form);
        model.addAttribute("editing", true);
        model.addAttribute("biller", current);
        model.addAttribute("lines", lines);
        model.addAttribute("changes", lines.stream().filter(Line::changed).count());
        return "ops/biller-confirm";
    }

    /** Step 2: the confirmed change. */
    @PostMapping("/{id}/edit")
    public String edit(@PathVariable("id") String billerId, BillerForm form, Model model, HttpServletRequest request,
                       HttpServletResponse response) throws JsonProcessingException {
        Biller current = existing(billerId);
        form = withIdentity(form, current);
        String actor = AdminAudit.actor(request);
        String details = null;
        try {
            BillerSettings.Change change = form.change();
            details = json.writeValueAsString(change);
            Map<String, Object> result = settings.change(billerId, change);
            audit.record(actor, "biller-change", billerId, details,
                    "before " + json.writeValueAsString(result.get("before")) + " (from /ops)");
        } catch (ApiException e) {
            audit.record(actor, "biller-change", billerId, details, "refused: " + e.getMessage() + " (from /ops)");
            response.setStatus(e.status().value());
            return form(model, request, form, true, e.getMessage());
        }
        return "redirect:/ops/billers";
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private String form(Model model, HttpServletRequest request, BillerForm form, boolean editing, String error) {
        page(model, request);
        model.addAttribute("form", form);
        model.addAttribute("editing", editing);
        model.addAttribute("error", error);
        return "ops/biller-form";
    }

    private void page(Model model, HttpServletRequest request) {
        OpsPages.page(model, request, "billers");
        model.addAttribute("globalCisLimit", globalCisLimit);
    }

    private Biller existing(String billerId) {
        return registry.findFresh(billerId)
                .orElseThrow(() -> ApiException.notFound("unknown biller '" + billerId + "'"));
    }

    /** An edit cannot change what identifies the biller: its id, lane and shard come from the registry. */
    private static BillerForm withIdentity(BillerForm f, Biller b) {
        return new BillerForm(b.id(), f.name(), b.lane().id(), b.shardJdbcUrl(), f.cisBaseUrl(), f.authKind(),
                f.secretRef(), f.header(), f.tokenUrl(), f.clientId(), f.scope(), f.enabled(), f.mode(),
                f.cisMaxConcurrent());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> view(Map<String, Object> preview, String which) {
        return (Map<String, Object>) preview.get(which);
    }

    /** The settings of one or two views side by side (before null: an onboarding, everything is new). */
    private List<Line> lines(Map<String, Object> before, Map<String, Object> after) {
        Map<String, String> a = flat(after);
        Map<String, String> b = before == null ? null : flat(before);
        List<Line> lines = new ArrayList<>();
        a.forEach((field, value) -> {
            String was = b == null ? null : b.get(field);
            lines.add(new Line(field, was, value, b != null && !Objects.equals(was, value)));
        });
        return lines;
    }

    /** A biller's view as labelled strings: secret names only, and the limit it will really have. */
    private Map<String, String> flat(Map<String, Object> view) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("name", str(view.get("name")));
        f.put("lane", str(view.get("lane")));
        f.put("shard JDBC URL", str(view.get("shardJdbcUrl")));
        f.put("CIS URL", str(view.get("cisBaseUrl")));
        @SuppressWarnings("unchecked")
        Map<String, Object> auth = (Map<String, Object>) view.get("cisAuth");
        f.put("CIS authentication", str(auth.get("kind")));
        f.put("secret name", str(auth.get("secretRef")));
        f.put("api-key header", str(auth.get("header")));
        f.put("token URL", str(auth.get("tokenUrl")));
        f.put("client id", str(auth.get("clientId")));
        f.put("scope", str(auth.get("scope")));
        Object limit = view.get("cisMaxConcurrent");
        f.put("CIS calls in flight at most", limit == null ? globalCisLimit + " (the global limit)" : limit.toString());
        f.put("toggle", Boolean.TRUE.equals(view.get("enabled")) ? "on" : "off");
        f.put("mode", str(view.get("mode")));
        return f;
    }

    private static String str(Object o) {
        return o == null ? "" : o.toString();
    }
}
