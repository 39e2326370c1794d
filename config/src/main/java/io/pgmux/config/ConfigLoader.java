package io.pgmux.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Reads pgbouncer.ini (with its %include files) into a {@link PgBouncerConfig}. */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * Reads and checks a whole config.
     *
     * @param file     the main ini file
     * @param warnings receives {@code file:line: message} for each thing that is ignored: unknown {@code [pgbouncer]}
     *                 keys, unknown sections, values dropped by a second {@code [pgbouncer]} section
     * @throws ConfigException the first unusable thing, with its file and line: a syntax error, an invalid value or
     *                         entry, a bad {@code %include}, a missing {@code [pgbouncer]} section (line 0), or a main
     *                         file that cannot be read (line 0)
     */
    public static PgBouncerConfig load(Path file, Consumer<String> warnings) throws ConfigException {
        Sections sections = new Sections(warnings);
        IniReader.read(file, sections);
        if (!sections.sawMain) {
            throw new ConfigException(file.toString(), 0, "main section [pgbouncer] missing from config file");
        }
        sections.given.putIfAbsent(Setting.CONFFILE, file.toString());
        return new PgBouncerConfig(file, new Settings(sections.given),
                Collections.unmodifiableMap(sections.databases),
                Collections.unmodifiableMap(sections.users),
                Collections.unmodifiableMap(sections.peers));
    }

    /** The four sections pgbouncer.ini may have, and any other. */
    private enum Kind {
        PGBOUNCER, DATABASES, USERS, PEERS, UNKNOWN
    }

    /** Collects what the ini reader finds into the parts of a config. */
    private static final class Sections implements IniReader.Handler {
        private final Consumer<String> warnings;
        private final Map<Setting, String> given = new EnumMap<>(Setting.class);
        private final Map<String, DatabaseEntry> databases = new LinkedHashMap<>();
        private final Map<String, UserEntry> users = new LinkedHashMap<>();
        private final Map<Integer, PeerEntry> peers = new LinkedHashMap<>();
        private Kind current;
        private boolean sawMain;

        Sections(Consumer<String> warnings) {
            this.warnings = warnings;
        }

        @Override
        public void section(String name, String file, int line) {
            current = switch (name.toLowerCase(Locale.ROOT)) {
                case "pgbouncer" -> Kind.PGBOUNCER;
                case "databases" -> Kind.DATABASES;
                case "users" -> Kind.USERS;
                case "peers" -> Kind.PEERS;
                default -> Kind.UNKNOWN;
            };
            if (current == Kind.UNKNOWN) {
                warnings.accept(file + ":" + line + ": unknown section [" + name + "], its lines are ignored");
            } else if (current == Kind.PGBOUNCER) {
                if (sawMain) {
                    resetToDefaults(file, line);
                }
                sawMain = true;
            }
        }

        /**
         * PgBouncer sets every key that has a default back to it at each {@code [pgbouncer]} header, so values given
         * before a second {@code [pgbouncer]} section are lost; keys without a default keep theirs.
         */
        private void resetToDefaults(String file, int line) {
            List<String> lost = new ArrayList<>();
            given.keySet().removeIf(s -> {
                boolean reset = !s.noDefaultText();
                if (reset) {
                    lost.add(s.key());
                }
                return reset;
            });
            if (!lost.isEmpty()) {
                warnings.accept(file + ":" + line + ": another [pgbouncer] section resets earlier values to defaults"
                        + " (as PgBouncer does): " + String.join(", ", lost));
            }
        }

        @Override
        public void entry(String key, String value, String file, int line) throws ConfigException {
            if (current == null) {
                throw new ConfigException(file, line, "value without section: " + key);
            }
            switch (current) {
                case PGBOUNCER -> setting(key, value, file, line);
                case DATABASES -> databases.put(key,
                        parsed("database", key, file, line, () -> SectionEntries.database(key, value)));
                case USERS -> users.put(key, parsed("user", key, file, line, () -> SectionEntries.user(key, value)));
                case PEERS -> {
                    PeerEntry peer = parsed("peer", key, file, line, () -> SectionEntries.peer(key, value));
                    peers.put(peer.peerId(), peer);
                }
                case UNKNOWN -> {
                    // lines of an unknown section are ignored; the header was warned about
                }
            }
        }

        /** Runs an entry parser, giving its complaint the place and the entry's name. */
        private static <T> T parsed(String what, String key, String file, int line, Supplier<T> parser)
                throws ConfigException {
            try {
                return parser.get();
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, line, what + " \"" + key + "\": " + e.getMessage());
            }
        }

        private void setting(String key, String value, String file, int line) throws ConfigException {
            Setting s = Setting.byKey(key);
            if (s == null) {
                warnings.accept(file + ":" + line + ": unknown parameter: " + key);
                return;
            }
            try {
                s.validate(value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(file, line,
                        "invalid value \"" + value + "\" for parameter " + s.key() + ": " + e.getMessage());
            }
            given.put(s, value);
        }
    }
}
