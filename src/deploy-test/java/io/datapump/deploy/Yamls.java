package io.datapump.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Loading YAML into plain maps and lists, and walking them. */
final class Yamls {

    private Yamls() {
    }

    static Iterable<Object> loadAll(String yaml) {
        return newYaml().loadAll(yaml);
    }

    static Object load(String yaml) {
        return newYaml().load(yaml);
    }

    /** A deep copy a test may change freely. */
    @SuppressWarnings("unchecked")
    static <T> T deepCopy(T node) {
        if (node instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, value) -> copy.put(String.valueOf(key), deepCopy(value)));
            return (T) copy;
        }
        if (node instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(value -> copy.add(deepCopy(value)));
            return (T) copy;
        }
        return node;
    }

    /** The node at a path of map keys (String) and list indexes (Integer); null where the path ends early. */
    static Object at(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            if (current instanceof Map<?, ?> map && step instanceof String key) {
                current = map.get(key);
            } else if (current instanceof List<?> list && step instanceof Integer index && index < list.size()) {
                current = list.get(index);
            } else {
                return null;
            }
        }
        return current;
    }

    static String text(Object node, Object... path) {
        Object value = at(node, path);
        return value == null ? null : String.valueOf(value);
    }

    static Map<String, Object> map(Object node, Object... path) {
        Object value = at(node, path);
        return value == null ? Map.of() : asMap(value);
    }

    static List<Map<String, Object>> maps(Object node, Object... path) {
        Object value = at(node, path);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("not a list: " + value);
        }
        List<Map<String, Object>> maps = new ArrayList<>();
        list.forEach(element -> maps.add(asMap(element)));
        return maps;
    }

    static List<String> strings(Object node, Object... path) {
        Object value = at(node, path);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new IllegalArgumentException("not a list: " + value);
        }
        return list.stream().map(String::valueOf).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("not a map: " + value);
        }
        return (Map<String, Object>) value;
    }

    private static Yaml newYaml() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(50);
        return new Yaml(new SafeConstructor(options));
    }
}
