package io.pgmux.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    @Test
    void writesHelpTypeAndSamples() {
        String text = new PrometheusText()
                .family("pgbouncer_pools_client_waiting_connections", "gauge", "cl_waiting (SHOW POOLS).")
                .sample("pgbouncer_pools_client_waiting_connections", 3, "database", "app", "user", "u")
                .family("pgbouncer_up", "gauge", "Up.")
                .sample("pgbouncer_up", 1)
                .text();
        assertEquals("# HELP pgbouncer_pools_client_waiting_connections cl_waiting (SHOW POOLS).\n"
                + "# TYPE pgbouncer_pools_client_waiting_connections gauge\n"
                + "pgbouncer_pools_client_waiting_connections{database=\"app\",user=\"u\"} 3\n"
                + "# HELP pgbouncer_up Up.\n"
                + "# TYPE pgbouncer_up gauge\n"
                + "pgbouncer_up 1\n", text);
    }

    @Test
    void escapesLabelValuesAndHelp() {
        String text = new PrometheusText()
                .family("m", "gauge", "a \\ b\nc \"d\"")
                .sample("m", 1, "application_name", "x\"y\\z\nw")
                .text();
        assertEquals("# HELP m a \\\\ b\\nc \"d\"\n# TYPE m gauge\nm{application_name=\"x\\\"y\\\\z\\nw\"} 1\n", text);
    }

    @Test
    void formatsNumbersAsPrometheusReadsThem() {
        assertEquals("3", PrometheusText.format(3.0));
        assertEquals("0.25", PrometheusText.format(0.25));
        assertEquals("1.0E-4", PrometheusText.format(0.0001));
        assertEquals("+Inf", PrometheusText.format(Double.POSITIVE_INFINITY));
        assertEquals("NaN", PrometheusText.format(Double.NaN));
        assertEquals("9223372036854775807", new PrometheusText().sample("c", Long.MAX_VALUE).text().split(" ")[1]
                .trim());
    }
}
