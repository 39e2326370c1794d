package io.pgmux.metrics;

/**
 * Writes Prometheus's text exposition format, version 0.0.4: for each family a {@code # HELP} and a {@code # TYPE}
 * line, then one {@code name{label="value",...} value} line per sample. Label values and help texts are escaped as
 * the format asks ({@code \\}, {@code \"}, {@code \n}).
 */
final class PrometheusText {
    /** The Content-Type of this format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(8192);

    /** Starts a family; {@code type} is counter, gauge, histogram, summary or untyped. */
    PrometheusText family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append("\n# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** One sample; {@code labels} are name, value, name, value... */
    PrometheusText sample(String name, long value, String... labels) {
        start(name, labels).append(value).append('\n');
        return this;
    }

    /** One sample with a value that need not be whole. */
    PrometheusText sample(String name, double value, String... labels) {
        start(name, labels).append(format(value)).append('\n');
        return this;
    }

    /** The text written so far. */
    String text() {
        return out.toString();
    }

    private StringBuilder start(String name, String[] labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"");
                escape(labels[i + 1], true);
                out.append('"');
            }
            out.append('}');
        }
        return out.append(' ');
    }

    private void escape(String text, boolean quotes) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(quotes ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }

    /** Go's float syntax, which Prometheus parses: whole numbers without a fraction, NaN and +Inf spelled so. */
    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
