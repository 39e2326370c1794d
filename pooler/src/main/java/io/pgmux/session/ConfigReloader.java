package io.pgmux.session;

import io.pgmux.config.AuthFile;
import io.pgmux.config.ConfigException;
import io.pgmux.config.ConfigLoader;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.config.Secret;
import io.pgmux.config.Setting;
import io.pgmux.log.Logging;
import io.pgmux.pool.Pool;
import io.pgmux.protocol.PgBouncerErrors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import javax.net.ssl.SSLException;

/**
 * RELOAD, SIGHUP and SET: a new configuration, read from the files or changed in one value, checked whole and then
 * put in force in the running engine: for new logins, and for the running pools with their clients and servers
 * (see {@link io.pgmux.pool.PoolRegistry#reconfigure}). Clients of a database the new config no longer has are
 * dropped with PgBouncer's "database removed". Changes are made one at a time, off the event loops.
 */
public final class ConfigReloader {
    private static final Logger LOG = Logger.getLogger(ConfigReloader.class.getName());

    private final Engine engine;

    /** What SET did. */
    public enum SetOutcome {
        /** The value is in force. */
        APPLIED,
        /** A TLS value is stored, but the TLS files it names could not be used: the old TLS settings stay in use. */
        TLS_NOT_APPLIED,
        /** Nothing changed: an unknown key, one that cannot change while running, or an invalid value. */
        REFUSED
    }

    public ConfigReloader(Engine engine) {
        this.engine = engine;
    }

    /** The auth_file a config names, read; empty when it names none. */
    public static Map<String, Secret> readAuthFile(PgBouncerConfig config) throws ConfigException {
        String file = config.settings().string(Setting.AUTH_FILE);
        if (file == null || file.isBlank()) {
            return Map.of();
        }
        return AuthFile.read(Path.of(file), LOG::warning);
    }

    /**
     * RELOAD: reads the config file (the {@code conffile} setting), auth_file, auth_hba_file, auth_ident_file and
     * the TLS files again and puts them in force; values SET since are overwritten by the file's, and keys read only
     * at startup keep their running values, as in PgBouncer. On any error the running config stays whole and the
     * reason is logged.
     *
     * @return true when the new config is in force
     */
    public synchronized boolean reload() {
        PgBouncerConfig running = engine.config();
        Path file = Path.of(running.settings().string(Setting.CONFFILE));
        try {
            PgBouncerConfig loaded = ConfigLoader.load(file, LOG::warning);
            PgBouncerConfig next = loaded.withSettings(loaded.settings().reloadedOver(running.settings()));
            Map<String, Secret> authFile = readAuthFile(next);
            AuthRules rules = AuthRules.load(next.settings(), LOG::warning);
            engine.tls().load(next.settings());
            engine.updateAuthRules(rules);
            putInForce(next, authFile);
            reopenLogfile(next.settings().string(Setting.LOGFILE));
            LOG.info("RELOAD: " + file + " reloaded");
            return true;
        } catch (ConfigException | IOException | RuntimeException e) {
            LOG.severe("RELOAD failed, keeping the running config: " + e.getMessage());
            return false;
        }
    }

    /** A logfile that cannot be opened does not undo the reload: the lines go on to stderr. */
    private static void reopenLogfile(String logfile) {
        try {
            Logging.reopen(logfile);
        } catch (IOException e) {
            LOG.severe("cannot open logfile " + logfile + ": " + e.getMessage());
        }
    }

    /**
     * SET key = value: a key SHOW CONFIG marks changeable, with a value the config file would accept, put in force
     * as RELOAD would put it. A TLS key rebuilds the TLS contexts; the files the other keys name (auth_file,
     * auth_hba_file) are read at the next RELOAD, as in PgBouncer. Why a SET was refused is logged.
     */
    public synchronized SetOutcome set(String key, String value) {
        Setting setting = Setting.byKey(key);
        String refusal = setting == null ? "unknown parameter: " + key
                : !setting.changeable() ? "parameter " + setting.key() + " cannot be changed while running" : null;
        if (refusal == null) {
            try {
                setting.validate(value);
            } catch (IllegalArgumentException e) {
                refusal = "invalid value \"" + value + "\" for parameter " + setting.key() + ": " + e.getMessage();
            }
        }
        if (refusal != null) {
            LOG.warning("SET failed: " + refusal);
            return SetOutcome.REFUSED;
        }
        PgBouncerConfig running = engine.config();
        PgBouncerConfig next = running.withSettings(running.settings().with(setting, value));
        SetOutcome outcome = SetOutcome.APPLIED;
        if (setting.key().contains("_tls_") || setting.key().contains("_tls13_")) {
            try {
                engine.tls().load(next.settings());
            } catch (SSLException | RuntimeException e) {
                LOG.warning("SET " + setting.key() + ": TLS settings could not be applied, still using old"
                        + " configuration: " + e.getMessage());
                outcome = SetOutcome.TLS_NOT_APPLIED;
            }
        }
        putInForce(next, engine.authFile());
        LOG.info("SET " + setting.key() + " = " + value);
        return outcome;
    }

    /**
     * The pools first, then the engine: a login that still sees the old config finds no pool for a database just
     * removed (and is refused), and one that sees the new config finds the pools of databases just added.
     */
    private void putInForce(PgBouncerConfig next, Map<String, Secret> authFile) {
        PgBouncerConfig running = engine.config();
        List<Pool> removed = engine.pools().reconfigure(next, authFile);
        engine.update(next, authFile);
        // A database that comes back is a new one, enabled, as PgBouncer frees the old one with its flags.
        engine.disabledDatabases().removeIf(db -> running.databases().containsKey(db)
                && !next.databases().containsKey(db));
        if (!removed.isEmpty()) {
            dropClients(Set.copyOf(removed));
        }
    }

    /** Every client of these pools, on whichever loop, gets PgBouncer's "database removed" and is closed. */
    private void dropClients(Set<Pool> pools) {
        for (int i = 0; i < engine.loops().length; i++) {
            int loopIndex = i;
            engine.loops()[i].execute(() -> {
                for (ClientSession client : new ArrayList<>(engine.loopClients(loopIndex))) {
                    Pool pool = client.pool();
                    if (pool != null && pools.contains(pool)) {
                        client.kill(PgBouncerErrors.DATABASE_REMOVED);
                    }
                }
            });
        }
    }
}
