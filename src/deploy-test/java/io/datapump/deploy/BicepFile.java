package io.datapump.deploy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of a Bicep reader for servicebus.bicep: object literals (one "key: value" per line), arrays of
 * references, array variables built with {@code [for x in xs: x.field]} and {@code concat(a, b)}, and resource
 * declarations with their loop and body. Not a Bicep compiler: it reads the file's own plain style.
 */
final class BicepFile {

    /** A value that is an expression, not a literal: a reference such as {@code entitySettings}. */
    record Expression(String text) {
    }

    /** {@code resource symbol 'type@version' = [for item in array: {body}]} (the loop is optional). */
    record Resource(String symbol, String type, String apiVersion, String loopArray, Map<String, Object> body) {
    }

    private static final Pattern VAR = Pattern.compile("(?m)^var (\\w+) = ");
    private static final Pattern RESOURCE = Pattern.compile(
            "(?m)^resource (\\w+) '([^'@]+)@([^']+)' = (?:\\[for (?:\\(\\w+, \\w+\\)|\\w+) in (\\w+): )?\\{");
    private static final Pattern FOR_FIELD = Pattern.compile("^\\[for (\\w+) in (\\w+): \\1\\.(\\w+)\\]$");
    private static final Pattern CONCAT = Pattern.compile("^concat\\((\\w+(?:, \\w+)*)\\)$");
    private static final Pattern ENTRY = Pattern.compile("^([\\w]+):\\s*(.*)$");

    private final String source;

    /** The file's text as written. */
    String source() {
        return source;
    }

    BicepFile(String source) {
        this.source = source;
    }

    /** The object literal assigned to a variable, as nested maps. */
    Map<String, Object> objectVariable(String name) {
        String expression = variableExpression(name);
        if (!expression.startsWith("{")) {
            throw new IllegalArgumentException("var " + name + " is not an object literal");
        }
        return parseObject(expression.substring(1, expression.length() - 1));
    }

    /** An array variable's elements, evaluated against the object variables it refers to. */
    List<Object> arrayVariable(String name) {
        String expression = variableExpression(name);
        Matcher forField = FOR_FIELD.matcher(expression);
        if (forField.matches()) {
            List<Object> values = new ArrayList<>();
            for (Object element : arrayVariable(forField.group(2))) {
                values.add(Yamls.asMap(element).get(forField.group(3)));
            }
            return values;
        }
        Matcher concat = CONCAT.matcher(expression);
        if (concat.matches()) {
            List<Object> values = new ArrayList<>();
            for (String part : concat.group(1).split(", ")) {
                values.addAll(arrayVariable(part));
            }
            return values;
        }
        if (expression.startsWith("[")) {
            List<Object> values = new ArrayList<>();
            for (String line : expression.substring(1, expression.length() - 1).split("\n")) {
                String element = line.trim();
                if (!element.isEmpty()) {
                    values.add(resolve(element));
                }
            }
            return values;
        }
        throw new IllegalArgumentException("var " + name + " is not an array this reader understands: " + expression);
    }

    List<Resource> resources() {
        List<Resource> resources = new ArrayList<>();
        Matcher matcher = RESOURCE.matcher(source);
        while (matcher.find()) {
            int open = matcher.end() - 1;
            String body = source.substring(open + 1, closing(open));
            Map<String, Object> parsed = matcher.group(2).endsWith("/namespaces") ? Map.of() : parseObject(body);
            resources.add(new Resource(matcher.group(1), matcher.group(2), matcher.group(3), matcher.group(4), parsed));
        }
        return resources;
    }

    /** The lines right above a declaration such as "param skuName string" (its decorators). */
    String decoratorsOf(String declaration) {
        int at = source.indexOf("\n" + declaration);
        if (at < 0) {
            throw new IllegalArgumentException("no " + declaration);
        }
        int start = source.lastIndexOf("\n\n", at);
        return source.substring(start < 0 ? 0 : start, at);
    }

    /** "topology.production" to the object it names, "'x'" to x, true, 10, else an Expression. */
    Object resolve(String text) {
        if (text.startsWith("'") && text.endsWith("'")) {
            return text.substring(1, text.length() - 1);
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.valueOf(text);
        }
        if (text.matches("-?\\d+")) {
            return Integer.valueOf(text);
        }
        if (text.matches("\\w+(\\.\\w+)+")) {
            String[] path = text.split("\\.");
            if (VAR.matcher(source).results().anyMatch(result -> result.group(1).equals(path[0]))
                    && variableExpression(path[0]).startsWith("{")) {
                Object value = objectVariable(path[0]);
                for (int i = 1; i < path.length && value != null; i++) {
                    value = Yamls.at(value, path[i]);
                }
                if (value != null) {
                    return value;
                }
            }
        }
        return new Expression(text);
    }

    private String variableExpression(String name) {
        Matcher matcher = Pattern.compile("(?m)^var " + Pattern.quote(name) + " = ").matcher(source);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no var " + name);
        }
        int start = matcher.end();
        char first = source.charAt(start);
        if (first == '{' || (first == '[' && !source.startsWith("[for", start))) {
            return source.substring(start, closing(start) + 1);
        }
        int end = source.indexOf('\n', start);
        return source.substring(start, end < 0 ? source.length() : end).trim();
    }

    /** The index of the bracket closing the one at {@code open}, skipping quoted strings. */
    private int closing(int open) {
        char opening = source.charAt(open);
        char closingChar = opening == '{' ? '}' : ']';
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c == '\'' && (i == 0 || source.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && c == opening) {
                depth++;
            } else if (!quoted && c == closingChar && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced " + opening + " at " + open);
    }

    private Map<String, Object> parseObject(String body) {
        Map<String, Object> root = new LinkedHashMap<>();
        Deque<Map<String, Object>> stack = new ArrayDeque<>();
        stack.push(root);
        for (String rawLine : body.split("\n")) {
            String line = rawLine.trim();
            if (line.isEmpty() || line.startsWith("//")) {
                continue;
            }
            if (line.equals("}")) {
                stack.pop();
                continue;
            }
            Matcher entry = ENTRY.matcher(line);
            if (!entry.matches()) {
                throw new IllegalArgumentException("unexpected line in an object literal: " + line);
            }
            String key = entry.group(1);
            String value = entry.group(2).trim();
            if (value.equals("{")) {
                Map<String, Object> nested = new LinkedHashMap<>();
                stack.peek().put(key, nested);
                stack.push(nested);
            } else {
                stack.peek().put(key, resolveLiteral(value));
            }
        }
        return root;
    }

    /** Inside object literals: literals as values, anything else kept as an expression (not followed). */
    private static Object resolveLiteral(String text) {
        if (text.startsWith("'") && text.endsWith("'")) {
            return text.substring(1, text.length() - 1);
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.valueOf(text);
        }
        if (text.matches("-?\\d+")) {
            return Integer.valueOf(text);
        }
        return new Expression(text);
    }
}
