package io.datapump.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One rendered Kubernetes object, as the plain map SnakeYAML made of it. */
record Manifest(Map<String, Object> raw) {

    String apiVersion() {
        return Yamls.text(raw, "apiVersion");
    }

    String kind() {
        return Yamls.text(raw, "kind");
    }

    String name() {
        return Yamls.text(raw, "metadata", "name");
    }

    String namespace() {
        return Yamls.text(raw, "metadata", "namespace");
    }

    Map<String, String> labels() {
        return strings(Yamls.map(raw, "metadata", "labels"));
    }

    Object at(Object... path) {
        return Yamls.at(raw, path);
    }

    String text(Object... path) {
        return Yamls.text(raw, path);
    }

    Map<String, Object> map(Object... path) {
        return Yamls.map(raw, path);
    }

    List<Map<String, Object>> maps(Object... path) {
        return Yamls.maps(raw, path);
    }

    /** The pod template's spec (Deployment, Job). */
    Map<String, Object> podSpec() {
        return map("spec", "template", "spec");
    }

    Map<String, String> podLabels() {
        return strings(map("spec", "template", "metadata", "labels"));
    }

    List<Map<String, Object>> containers() {
        return maps("spec", "template", "spec", "containers");
    }

    /** "Kind/name", for messages. */
    String id() {
        return kind() + "/" + name();
    }

    static Map<String, String> strings(Map<String, Object> map) {
        Map<String, String> strings = new LinkedHashMap<>();
        map.forEach((key, value) -> strings.put(key, value == null ? null : String.valueOf(value)));
        return strings;
    }

    @Override
    public String toString() {
        return id();
    }
}
