package io.pgmux;

import io.pgmux.admin.PgmuxVersion;
import io.pgmux.config.ConfigException;
import io.pgmux.config.ConfigLoader;
import io.pgmux.config.PgBouncerConfig;
import io.pgmux.config.Setting;
import io.pgmux.demo.DemoPostgres;
import io.pgmux.log.Logging;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The command line: PgBouncer's flags where they apply, plus --transport and --demo. */
@Command(name = "pgmux", mixinStandardHelpOptions = true, versionProvider = PgmuxCommand.Version.class,
        description = "PostgreSQL connection pooler, a drop-in replacement for PgBouncer.",
        sortOptions = false)
final class PgmuxCommand implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(PgmuxCommand.class.getName());

    @Option(names = {"-q", "--quiet"}, description = "Do not log to stderr.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, description = "Increase verbosity; repeat for more.")
    boolean[] verbose = new boolean[0];

    @Option(names = {"-d", "--daemon"}, description = "Run in the background (not supported: use systemd).")
    boolean daemon;

    @Option(names = {"-R", "--reboot"}, description = "Online restart (not supported: use so_reuseport).")
    boolean reboot;

    @Option(names = {"-u", "--user"}, paramLabel = "USER", description = "Switch to USER (not supported).")
    String user;

    @Option(names = "--transport", paramLabel = "auto|io_uring|epoll|nio",
            description = "Socket I/O: io_uring, then epoll, then nio by default.")
    String transport;

    @Option(names = "--demo", description = "Start a throwaway embedded PostgreSQL and pool it (no config needed).")
    boolean demo;

    @Parameters(arity = "0..1", paramLabel = "config", description = "pgbouncer.ini")
    Path config;

    @Override
    public Integer call() throws Exception {
        if (daemon || reboot || user != null) {
            System.err.println("pgmux: -d, -R and -u are not supported; run pgmux under systemd "
                    + "(see packaging/pgmux.service) as the user it should run as");
            return 1;
        }
        if (config == null && !demo) {
            System.err.println("pgmux: a config file is needed (or --demo); see --help");
            return 1;
        }
        Logging.configure(verbose.length, quiet, null);
        DemoPostgres demoPostgres = demo ? DemoPostgres.start(6432) : null;
        Path file = demoPostgres != null ? demoPostgres.configFile() : config;
        PgBouncerConfig loaded;
        try {
            loaded = ConfigLoader.load(file, LOG::warning);
        } catch (ConfigException e) {
            LOG.severe(e.getMessage());
            closeQuietly(demoPostgres);
            return 1;
        }
        int verbosity = Math.max(verbose.length, loaded.settings().integer(Setting.VERBOSE));
        Logging.configure(verbosity, quiet, loaded.settings().string(Setting.LOGFILE));
        Pgmux pgmux;
        try {
            pgmux = Pgmux.start(loaded, transport, 0);
        } catch (IllegalArgumentException e) {
            LOG.severe(e.getMessage());
            closeQuietly(demoPostgres);
            return 1;
        }
        if (demoPostgres != null) {
            printDemoHelp(pgmux.port());
        }
        // The hook closes pgmux on any exit: System.exit after a fast-exit signal, or after SHUTDOWN below.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pgmux.close();
            closeQuietly(demoPostgres);
        }, "pgmux-exit"));
        SystemdNotifier systemd = SystemdNotifier.fromEnvironment();
        Signals.install(pgmux.control(), pgmux::reload, systemd);
        systemd.ready();
        pgmux.stopped().join();
        return 0;
    }

    private static void printDemoHelp(int port) {
        System.out.println();
        System.out.println("pgmux demo is running. Connect with:");
        System.out.println("  PGPASSWORD=" + DemoPostgres.PASSWORD + " psql -h 127.0.0.1 -p " + port + " -U "
                + DemoPostgres.USER + " " + DemoPostgres.USER);
        System.out.println("Admin console:");
        System.out.println("  PGPASSWORD=" + DemoPostgres.PASSWORD + " psql -h 127.0.0.1 -p " + port + " -U "
                + DemoPostgres.USER + " pgbouncer -c 'SHOW POOLS'");
        System.out.println("Stop with Ctrl-C.");
        System.out.println();
    }

    private static void closeQuietly(DemoPostgres demoPostgres) {
        if (demoPostgres != null) {
            try {
                demoPostgres.close();
            } catch (Exception e) {
                LOG.warning("stopping the demo PostgreSQL: " + e.getMessage());
            }
        }
    }

    /** The version lines: the first one is what SHOW VERSION returns. */
    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {PgmuxVersion.text(), "Java " + Runtime.version()};
        }
    }
}
