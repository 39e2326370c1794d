package io.pgmux.admin;

import java.util.Locale;

/** What a SHOW (or SELECT) asks for, one constant per word of PgBouncer's show table. */
public enum ShowSubject {
    HELP, CONFIG, DATABASES, POOLS, CLIENTS, SERVERS, USERS, VERSION,
    PEERS, PEER_POOLS,
    FDS, SOCKETS, ACTIVE_SOCKETS, LISTS, MEM, STATE,
    DNS_HOSTS, DNS_ZONES,
    STATS, STATS_TOTALS, STATS_AVERAGES, TOTALS,
    /** pgmux's own: latency percentiles per pool. */
    LATENCY;

    /** The word after SHOW, lower case. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The subject with this word in any case, or null. */
    public static ShowSubject find(String word) {
        for (ShowSubject s : values()) {
            if (s.word().equalsIgnoreCase(word)) {
                return s;
            }
        }
        return null;
    }
}
