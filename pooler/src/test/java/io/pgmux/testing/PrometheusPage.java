package io.pgmux.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A page in Prometheus's text format read strictly: every line is a comment ({@code # HELP}, {@code # TYPE}) or a
 * sample {@code name{label="value",...} value}; anything else fails the test.
 */
public final class PrometheusPage {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) "
            + "(counter|gauge|histogram|summary|untyped)");

    private final List<Sample> samples = new ArrayList<>();
    private final Map<String, String> types = new LinkedHashMap<>();

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private PrometheusPage() {
    }

    /** Reads a page. */
    public static PrometheusPage parse(String text) {
        PrometheusPage page = new PrometheusPage();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                Matcher type = TYPE.matcher(line);
                if (type.matches()) {
                    page.types.put(type.group(1), type.group(2));
                } else if (!line.startsWith("# HELP ")) {
                    throw new AssertionError("not a HELP or TYPE comment: " + line);
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("not a sample line: " + line);
            }
            page.samples.add(new Sample(m.group(1), labels(line, m.group(2)), value(line, m.group(3))));
        }
        return page;
    }

    private static Map<String, String> labels(String line, String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null) {
            return labels;
        }
        Matcher m = LABEL.matcher(text);
        int end = 0;
        while (m.find() && m.start() == end) {
            labels.put(m.group(1), m.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\"));
            end = m.end();
        }
        if (end != text.length()) {
            throw new AssertionError("bad labels: " + line);
        }
        return labels;
    }

    private static double value(String line, String text) {
        switch (text) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new AssertionError("bad value: " + line, e);
                }
        }
    }

    /** Every sample, in page order. */
    public List<Sample> samples() {
        return samples;
    }

    /** The TYPE each family was declared with. */
    public Map<String, String> types() {
        return types;
    }

    /** The value of the one sample of this name whose labels include these (name, value, ...); fails if none. */
    public double value(String name, String... labels) {
        return samples.stream().filter(s -> s.name().equals(name) && has(s, labels)).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + name + " " + List.of(labels))).value();
    }

    private static boolean has(Sample s, String[] labels) {
        for (int i = 0; i < labels.length; i += 2) {
            if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                return false;
            }
        }
        return true;
    }
}
