package io.datapump.message;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Masks payment and personal data in any text: the values of the configured fields (account, card and bank
 * numbers, e-mail, names, address) wherever they appear as JSON ({@code "cardNumber":"4111…"}, also escaped inside a
 * JSON string), XML elements or {@code key=value} pairs (a {@code Map.toString()}), plus any e-mail address and any
 * card number (13-19 digits passing the Luhn check) found in free text. Masking is idempotent. A name or account
 * number in free text ("customer Ada Lovelace") cannot be recognised: code logs ids, and names only as fields.
 */
public final class PersonalDataMasker {

    public static final String MASK = "*****";
    public static final List<String> DEFAULT_FIELDS = List.of("accountNumber", "cardNumber", "bankAccountNumber",
            "bankRoutingNumber", "email", "firstName", "lastName", "serviceAddress");

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    /** A card number: 13-19 digits starting 2-6, standing alone (not part of an id like 5F3A-0000000000000012B). */
    private static final Pattern DIGITS = Pattern.compile("(?<![\\w.])[2-6]\\d{12,18}(?![\\w.])");

    /** What logs use until the application has started with its configured fields. */
    private static volatile PersonalDataMasker current = new PersonalDataMasker(DEFAULT_FIELDS);

    private final Set<String> fields;
    private final Pattern json;
    private final Pattern xml;
    private final Pattern keyValue;

    public PersonalDataMasker(Collection<String> fields) {
        this.fields = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        this.fields.addAll(fields);
        String names = fields.stream().map(Pattern::quote).collect(Collectors.joining("|", "(?:", ")"));
        // "name" : "value" / \"name\":\"value\" (inside an escaped JSON string) / "name": 123
        this.json = Pattern.compile("(\\\\?\"" + names + "\\\\?\"\\s*:\\s*)(\\\\?\"(?:[^\"\\\\]|\\\\[^\"])*\\\\?\"|[-0-9.]+)",
                Pattern.CASE_INSENSITIVE);
        this.xml = Pattern.compile("(<" + names + ">)([^<]*)(</)", Pattern.CASE_INSENSITIVE);
        // name=value up to the next separator of a Map.toString() or a log line, or the next name=
        this.keyValue = Pattern.compile("(\\b" + names + "\\s*=\\s*)([^,;&}\\]\\s](?:(?!\\s+[\\w.]+\\s*=)[^,;&}\\]\\n])*)",
                Pattern.CASE_INSENSITIVE);
    }

    public static PersonalDataMasker current() {
        return current;
    }

    public static void use(PersonalDataMasker masker) {
        current = masker;
    }

    public Set<String> fields() {
        return fields;
    }

    /** Whether a header, property or field of this name carries personal data (its whole value is masked). */
    public boolean isSensitiveName(String name) {
        return name != null && fields.contains(name);
    }

    public String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        if (out.indexOf(':') >= 0) {
            out = json.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + quoted(m.group(2))));
        }
        if (out.indexOf('<') >= 0) {
            out = xml.matcher(out).replaceAll("$1" + MASK + "$3");
        }
        if (out.indexOf('=') >= 0) {
            out = keyValue.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        }
        if (out.indexOf('@') >= 0) {
            out = EMAIL.matcher(out).replaceAll(MASK);
        }
        out = DIGITS.matcher(out).replaceAll(m -> luhn(m.group()) ? MASK : Matcher.quoteReplacement(m.group()));
        return out;
    }

    private static String quoted(String value) {
        if (value.startsWith("\\\"")) {
            return "\\\"" + MASK + "\\\"";
        }
        if (value.startsWith("\"")) {
            return "\"" + MASK + "\"";
        }
        return "\"" + MASK + "\"";
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }
}
