package io.pgmux.config;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One line of an HBA file.
 *
 * @param line the line number in the HBA file, for logs ("HBA line 7 is matched")
 * @param type which connections the rule is about
 * @param databases the database column
 * @param users the user column
 * @param address the client addresses admitted; {@link HbaAddress#ALL} for {@code local} rules
 * @param method how a matching client authenticates
 * @param options {@code map=} or the LDAP options
 */
public record HbaRule(int line, HbaRuleType type, HbaNames databases, HbaNames users, HbaAddress address,
        HbaMethod method, HbaOptions options) {
    public HbaRule {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(databases, "databases");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(options, "options");
    }

    /**
     * Whether this rule applies, as PgBouncer's hba_eval decides: type and TLS, then address (TCP only), then the
     * database ({@code replication} alone for a physical replication connection), then the user.
     */
    boolean matches(ConnectionKind kind, InetAddress client, boolean tls, String database, String user,
            boolean replication) {
        return type.admits(kind, tls)
                && (kind == ConnectionKind.LOCAL || address.matches(client))
                && (replication ? databases.replication() : databases.matches(database, user))
                && users.matches(user, database);
    }
}
