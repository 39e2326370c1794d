package io.pgmux.admin.view;

/** A database's load_balance_hosts as SHOW POOLS and DATABASES print it. */
public enum LoadBalanceHosts {
    ROUND_ROBIN("round-robin"), DISABLE("disable");

    private final String word;

    LoadBalanceHosts(String word) {
        this.word = word;
    }

    /** {@code round-robin} or {@code disable}. */
    public String word() {
        return word;
    }
}
