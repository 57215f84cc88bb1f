package io.datapump.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The benchmark's outputs: a Markdown table, results.json and the S3 scaling chart (PNG, Java2D). */
final class BenchReport {

    private BenchReport() {
    }

    static String table(List<Benchmark.Figure> figures) {
        StringBuilder out = new StringBuilder("| scenario | figure | value | target | result |\n|---|---|---|---|---|\n");
        for (Benchmark.Figure f : figures) {
            out.append("| ").append(f.scenario()).append(" | ").append(f.name()).append(" | ")
                    .append(format(f.value())).append(f.unit().isEmpty() ? "" : " " + f.unit()).append(" | ")
                    .append(f.target()).append(" | ")
                    .append(f.pass() == null ? "-" : f.pass() ? "pass" : "**miss**").append(" |\n");
        }
        return out.toString();
    }

    static String format(double v) {
        if (Math.abs(v - Math.rint(v)) < 1e-9 && Math.abs(v) >= 1) {
            return String.format("%,d", (long) v);
        }
        return Math.abs(v) >= 100 ? String.format("%,.0f", v) : String.format("%.2f", v);
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        m.put("javaVersion", System.getProperty("java.version"));
        m.put("javaVm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        m.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
        m.put("jvmArgs", ManagementFactory.getRuntimeMXBean().getInputArguments());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        try {
            m.put("loadAverage", Files.readString(Path.of("/proc/loadavg")).trim());
        } catch (IOException ignored) {
            // not Linux
        }
        try {
            Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().ifPresent(l -> m.put("memTotal", l.replaceAll("\\s+", " ").substring(10)));
        } catch (IOException ignored) {
            // not Linux
        }
        return m;
    }

    static void write(Path dir, Benchmark bench) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("sizes", bench.sizes.name());
        json.put("machine", machine());
        json.put("figures", bench.figures);
        json.put("checks", bench.checks);
        json.put("scaling", bench.scaling.stream().map(p -> Map.of("concurrency", (int) p[0], "itemsPerSecond", p[1],
                "ideal", p[2])).toList());
        json.put("facts", bench.facts);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(),
                json);
        Files.writeString(dir.resolve("results.md"), table(bench.figures));
        chart(bench.scaling, dir.resolve("bench-scaling.png"));
    }

    /** Items/s against item-consumer concurrency, with the ideal concurrency / latency line; log-log axes. */
    static void chart(List<double[]> points, Path file) throws IOException {
        int w = 800;
        int h = 500;
        int left = 80;
        int right = 30;
        int top = 50;
        int bottom = 60;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("S3: items/s vs item-consumer concurrency (CIS latency 50 ms)", left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        double maxC = points.stream().mapToDouble(p -> p[0]).max().orElse(128);
        double maxY = points.stream().mapToDouble(p -> Math.max(p[1], p[2])).max().orElse(100) * 1.3;
        double minY = 10;
        java.util.function.DoubleUnaryOperator x = c -> left + (w - left - right) * Math.log(c) / Math.log(Math.max(2, maxC));
        java.util.function.DoubleUnaryOperator y = v -> h - bottom - (h - top - bottom)
                * (Math.log(Math.max(v, minY)) - Math.log(minY)) / (Math.log(maxY) - Math.log(minY));
        g.drawLine(left, h - bottom, w - right, h - bottom);
        g.drawLine(left, top, left, h - bottom);
        for (double[] p : points) {
            int px = (int) x.applyAsDouble(p[0]);
            g.setColor(Color.LIGHT_GRAY);
            g.drawLine(px, top, px, h - bottom);
            g.setColor(Color.BLACK);
            g.drawString(String.valueOf((int) p[0]), px - 8, h - bottom + 18);
        }
        for (double v = minY; v <= maxY; v *= 10) {
            int py = (int) y.applyAsDouble(v);
            g.setColor(Color.LIGHT_GRAY);
            g.drawLine(left, py, w - right, py);
            g.setColor(Color.BLACK);
            g.drawString(String.valueOf((long) v), 10, py + 4);
        }
        g.drawString("item-consumer concurrency (log scale)", w / 2 - 110, h - 15);
        g.drawString("items/s (log)", 10, top - 10);
        plot(g, points, x, y, 2, new Color(150, 150, 150), true);
        plot(g, points, x, y, 1, new Color(20, 90, 200), false);
        g.setColor(new Color(150, 150, 150));
        g.drawString("ideal: concurrency / 50 ms", w - 260, top + 20);
        g.setColor(new Color(20, 90, 200));
        g.drawString("measured (steady state)", w - 260, top + 38);
        for (double[] p : points) {
            g.drawString(String.format("%.0f", p[1]), (int) x.applyAsDouble(p[0]) + 6,
                    (int) y.applyAsDouble(p[1]) + 16);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void plot(Graphics2D g, List<double[]> points, java.util.function.DoubleUnaryOperator x,
                             java.util.function.DoubleUnaryOperator y, int index, Color color, boolean dashed) {
        g.setColor(color);
        g.setStroke(dashed ? new BasicStroke(2, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {8, 6}, 0)
                : new BasicStroke(3));
        int[] prev = null;
        for (double[] p : points) {
            int[] pt = {(int) x.applyAsDouble(p[0]), (int) y.applyAsDouble(p[index])};
            g.fillOval(pt[0] - 4, pt[1] - 4, 8, 8);
            if (prev != null) {
                g.drawLine(prev[0], prev[1], pt[0], pt[1]);
            }
            prev = pt;
        }
        g.setStroke(new BasicStroke(1));
    }
}
