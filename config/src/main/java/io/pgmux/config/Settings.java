package io.pgmux.config;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code [pgbouncer]} section: every key's value as written, or its default, with typed reads. */
public final class Settings {
    private final Map<Setting, String> values;
    private final Set<Setting> given;

    /** Values already checked by {@link Setting#validate(String)}; keys not given take their defaults. */
    public Settings(Map<Setting, String> given) {
        EnumMap<Setting, String> all = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            all.put(s, given.getOrDefault(s, s.defaultValue()));
        }
        this.values = Collections.unmodifiableMap(all);
        this.given = given.isEmpty() ? EnumSet.noneOf(Setting.class) : EnumSet.copyOf(given.keySet());
    }

    /** All defaults. */
    public static Settings defaults() {
        return new Settings(Map.of());
    }

    /** The value as written in the file (or the default). */
    public String raw(Setting s) {
        return values.get(s);
    }

    public String string(Setting s) {
        return values.get(s);
    }

    /** An INT value, read as C reads it ({@code 0777} is octal, {@code 0x10} is hex). */
    public int integer(Setting s) {
        return Math.toIntExact(SettingValues.parseInteger(values.get(s)));
    }

    public boolean bool(Setting s) {
        return SettingValues.parseBool(values.get(s));
    }

    /** A time value; {@link Duration#ZERO} where 0 turns the feature off. */
    public Duration duration(Setting s) {
        return SettingValues.parseDuration(values.get(s), s.type() == SettingType.MILLIS);
    }

    public List<String> list(Setting s) {
        return SettingValues.parseList(values.get(s));
    }

    /** An ENUM value as the allowed word it names, lower case ({@code Verify-Full} gives {@code verify-full}). */
    public String word(Setting s) {
        return s.canonicalWord(values.get(s));
    }

    public PoolMode poolMode() {
        return PoolMode.parseOrNull(values.get(Setting.POOL_MODE));
    }

    public AuthType authType() {
        return AuthType.parseOrNull(values.get(Setting.AUTH_TYPE));
    }

    /**
     * The {@code value} column of SHOW CONFIG, formatted as PgBouncer prints it: numbers normalised ({@code 0777}
     * gives {@code 511}), times in seconds like C's {@code %g} ({@code 3600}, {@code 0.5}), ENUM words in their
     * listed spelling, texts as written; null for a text PgBouncer leaves unset (no default, not given).
     */
    public String show(Setting s) {
        String v = values.get(s);
        return switch (s.type()) {
            case INT -> Long.toString(SettingValues.parseInteger(v));
            case BOOL -> showBool(v);
            case SECONDS -> SettingValues.formatSeconds(duration(s));
            case MILLIS -> Long.toString(duration(s).toMillis());
            case ENUM -> word(s);
            case STRING, LIST -> s.noDefaultText() && !given.contains(s) ? null : v;
        };
    }

    /** PgBouncer keeps flags as integers and prints them so; the words pgmux also takes print as 1 or 0. */
    private static String showBool(String v) {
        try {
            return Long.toString(SettingValues.parseInteger(v));
        } catch (IllegalArgumentException e) {
            return SettingValues.parseBool(v) ? "1" : "0";
        }
    }

    /**
     * These settings as RELOAD puts them in force over the {@code running} ones: keys read only at startup
     * ({@link Setting#changeable()} false, PgBouncer's CF_NO_RELOAD) keep their running values, as PgBouncer ignores
     * them in a reloaded file.
     */
    public Settings reloadedOver(Settings running) {
        EnumMap<Setting, String> merged = new EnumMap<>(Setting.class);
        for (Setting s : Setting.values()) {
            Settings source = s.changeable() ? this : running;
            if (source.given.contains(s)) {
                merged.put(s, source.values.get(s));
            }
        }
        return new Settings(merged);
    }

    /** A copy with one value replaced (SET key = value); the value must already be valid. */
    public Settings with(Setting s, String value) {
        EnumMap<Setting, String> copy = new EnumMap<>(Setting.class);
        for (Setting g : given) {
            copy.put(g, values.get(g));
        }
        copy.put(s, value);
        return new Settings(copy);
    }
}
