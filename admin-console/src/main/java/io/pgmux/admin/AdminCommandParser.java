package io.pgmux.admin;

import io.pgmux.admin.AdminCommand.Disable;
import io.pgmux.admin.AdminCommand.Enable;
import io.pgmux.admin.AdminCommand.Kill;
import io.pgmux.admin.AdminCommand.KillClient;
import io.pgmux.admin.AdminCommand.Pause;
import io.pgmux.admin.AdminCommand.Reconnect;
import io.pgmux.admin.AdminCommand.Rejected;
import io.pgmux.admin.AdminCommand.Reload;
import io.pgmux.admin.AdminCommand.Resume;
import io.pgmux.admin.AdminCommand.Set;
import io.pgmux.admin.AdminCommand.SetIgnored;
import io.pgmux.admin.AdminCommand.Show;
import io.pgmux.admin.AdminCommand.ShowParameter;
import io.pgmux.admin.AdminCommand.Shutdown;
import io.pgmux.admin.AdminCommand.Suspend;
import io.pgmux.admin.AdminCommand.WaitClose;
import io.pgmux.admin.control.ShutdownMode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns admin console query text into an {@link AdminCommand}, accepting exactly what PgBouncer 1.25.2's admin.c
 * accepts: {@code CMD [arg]} or {@code SET key =|TO value}, any case, an optional trailing semicolon.
 */
public final class AdminCommandParser {
    private static final String WS0 = "[ \\t\\n\\r]*";
    private static final String WS1 = "[ \\t\\n\\r]+";
    /**
     * A double-quoted word ({@code ""} inside is a quote) or a run of letters, digits and underscores. Possessive,
     * so a missing closing quote fails in linear time; nothing after a word may start with a quote, so possessive
     * matching accepts the same texts as PgBouncer's POSIX regex.
     */
    private static final String WORD = "(\"(?:[^\"]|\"\")*+\"|[0-9a-z_]+)";
    /** A single-quoted string, {@code ''} inside is a quote. */
    private static final String STRING = "('(?:[^']|'')*+')";
    private static final String END = WS0 + "(?:;" + WS0 + ")?";
    private static final String SET_PREFIX = WS0 + "set" + WS1 + WORD + WS0 + "(?:=|to)" + WS0;

    /**
     * Session settings drivers SET right after login, ignored like the fake parameters. PgBouncer answers "SET
     * failed" to them, which stops pgjdbc (it runs {@code SET extra_float_digits = 3} because the console's
     * server_version reads as older than 9.0) from using the console at all.
     */
    private static final java.util.Set<String> DRIVER_SESSION_PARAMETERS = java.util.Set.of("extra_float_digits",
            "application_name");

    private static final Pattern COMMAND = compile(WS0 + WORD + "(?:" + WS1 + WORD + ")?" + END);
    private static final Pattern SET_STRING = compile(SET_PREFIX + STRING + END);
    private static final Pattern SET_WORD = compile(SET_PREFIX + WORD + END);

    /** PgBouncer's buffer sizes: a part this many bytes long or longer, quotes included, is "bad arguments". */
    private static final int MAX_COMMAND = 16;
    private static final int MAX_ARGUMENT = 64;
    private static final int MAX_VALUE = 256;

    private static final Rejected BAD_ARGUMENTS = new Rejected(AdminError.badArguments(), false);

    private AdminCommandParser() {
    }

    /** Parses one simple-protocol query sent to the admin console. Never throws: bad input gives {@link Rejected}. */
    public static AdminCommand parse(String query) {
        Matcher m = COMMAND.matcher(query);
        if (m.matches()) {
            String cmd = part(m.group(1), MAX_COMMAND, '"');
            String arg = part(m.group(2), MAX_ARGUMENT, '"');
            if (cmd == null || arg == null) {
                return BAD_ARGUMENTS;
            }
            return command(query, cmd, arg);
        }
        m = SET_STRING.matcher(query);
        if (m.matches()) {
            return set(m.group(1), m.group(2), '\'');
        }
        m = SET_WORD.matcher(query);
        if (m.matches()) {
            return set(m.group(1), m.group(2), '"');
        }
        return invalid(query);
    }

    private static AdminCommand command(String query, String cmd, String arg) {
        String db = arg.isEmpty() ? null : arg;
        return switch (cmd.toLowerCase(Locale.ROOT)) {
            case "disable" -> db == null ? new Rejected(AdminError.databaseRequired(), true) : new Disable(db);
            case "enable" -> db == null ? new Rejected(AdminError.databaseRequired(), true) : new Enable(db);
            case "kill" -> new Kill(db);
            case "kill_client" -> killClient(arg);
            case "pause" -> new Pause(db);
            case "reconnect" -> new Reconnect(db);
            case "reload" -> db == null ? new Reload() : invalid(query);
            case "resume" -> new Resume(db);
            case "select", "show" -> show(query, arg);
            case "shutdown" -> shutdown(query, arg);
            case "suspend" -> db == null ? new Suspend() : invalid(query);
            case "wait_close" -> new WaitClose(db);
            default -> invalid(query);
        };
    }

    private static AdminCommand show(String query, String what) {
        FakeParameter parameter = FakeParameter.find(what);
        if (parameter != null) {
            return new ShowParameter(parameter);
        }
        ShowSubject subject = ShowSubject.find(what);
        return subject != null ? new Show(subject) : invalid(query);
    }

    private static AdminCommand shutdown(String query, String mode) {
        if (mode.isEmpty()) {
            return new Shutdown(ShutdownMode.IMMEDIATE);
        }
        if (mode.equalsIgnoreCase("wait_for_clients")) {
            return new Shutdown(ShutdownMode.WAIT_FOR_CLIENTS);
        }
        if (mode.equalsIgnoreCase("wait_for_servers")) {
            return new Shutdown(ShutdownMode.WAIT_FOR_SERVERS);
        }
        return invalid(query);
    }

    /**
     * Reads the id as C's {@code sscanf("%llu")} does: leading white space, an optional sign (a minus wraps around),
     * then digits, ignoring what follows them; too large a number saturates.
     */
    private static AdminCommand killClient(String arg) {
        int i = 0;
        while (i < arg.length() && " \t\n\u000b\f\r".indexOf(arg.charAt(i)) >= 0) {
            i++;
        }
        boolean negative = i < arg.length() && arg.charAt(i) == '-';
        if (i < arg.length() && (arg.charAt(i) == '-' || arg.charAt(i) == '+')) {
            i++;
        }
        int digits = i;
        while (digits < arg.length() && arg.charAt(digits) >= '0' && arg.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == i) {
            return new Rejected(AdminError.invalidClientPointer(), true);
        }
        long id;
        try {
            id = Long.parseUnsignedLong(arg.substring(i, digits));
        } catch (NumberFormatException tooLarge) {
            id = -1L;
        }
        return new KillClient(negative ? -id : id);
    }

    private static AdminCommand set(String rawKey, String rawValue, char valueQuote) {
        String key = part(rawKey, MAX_ARGUMENT, '"');
        if (key == null || key.isEmpty()) {
            return BAD_ARGUMENTS;
        }
        String value = part(rawValue, MAX_VALUE, valueQuote);
        if (value == null) {
            return BAD_ARGUMENTS;
        }
        String lowerKey = key.toLowerCase(Locale.ROOT);
        if (FakeParameter.find(key) != null || DRIVER_SESSION_PARAMETERS.contains(lowerKey)) {
            return new SetIgnored(lowerKey);
        }
        return new Set(key, value);
    }

    /** The text of a matched part, unquoted; "" when absent; null when it does not fit PgBouncer's buffer. */
    private static String part(String raw, int max, char quote) {
        if (raw == null) {
            return "";
        }
        if (raw.getBytes(StandardCharsets.UTF_8).length >= max) {
            return null;
        }
        if (raw.charAt(0) != quote) {
            return raw;
        }
        String doubled = String.valueOf(quote) + quote;
        return raw.substring(1, raw.length() - 1).replace(doubled, String.valueOf(quote));
    }

    private static Rejected invalid(String query) {
        return new Rejected(AdminError.invalidCommand(query), false);
    }

    private static Pattern compile(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    }
}
