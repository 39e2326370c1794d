package io.pgmux.admin;

/**
 * The version text of SHOW VERSION and the first line of {@code pgmux --version}. It starts with the PgBouncer
 * version whose behaviour pgmux matches, in the form version-parsing tools such as pgbouncer_exporter read.
 */
public final class PgmuxVersion {
    /** The PgBouncer release whose admin console, config and errors pgmux follows. */
    public static final String PGBOUNCER_COMPAT = "1.25.2";

    private PgmuxVersion() {
    }

    /** pgmux's own version, from the jar manifest (or "dev" when run from classes). */
    public static String pgmux() {
        String v = PgmuxVersion.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }

    /** {@code PgBouncer 1.25.2 (pgmux 0.1.0)}. */
    public static String text() {
        return "PgBouncer " + PGBOUNCER_COMPAT + " (pgmux " + pgmux() + ")";
    }
}
