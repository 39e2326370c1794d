package io.pgmux.session;

import io.pgmux.config.ConfigException;
import io.pgmux.config.HbaRules;
import io.pgmux.config.IdentMap;
import io.pgmux.config.Setting;
import io.pgmux.config.Settings;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * auth_hba_file and auth_ident_file as loaded: the rules {@code auth_type = hba} evaluates, and the user name maps
 * its {@code map=} options (and {@code cert}/{@code peer}) consult. Either may be absent.
 */
public record AuthRules(HbaRules hba, IdentMap ident) {

    /** No hba file, no ident map. */
    public static final AuthRules NONE = new AuthRules(null, IdentMap.empty());

    /** Reads the files the settings name; unusable lines are skipped with a warning, as PgBouncer does. */
    public static AuthRules load(Settings settings, Consumer<String> warnings) throws ConfigException {
        String identFile = settings.string(Setting.AUTH_IDENT_FILE);
        IdentMap ident = blank(identFile) ? IdentMap.empty() : IdentMap.read(Path.of(identFile), warnings);
        String hbaFile = settings.string(Setting.AUTH_HBA_FILE);
        HbaRules hba = blank(hbaFile) ? null : HbaRules.read(Path.of(hbaFile), ident, warnings);
        return new AuthRules(hba, ident);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
