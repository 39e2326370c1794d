package io.pgmux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmux.admin.PgmuxVersion;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class PgmuxCommandTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new PgmuxCommand());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        cmd.execute(args);
        return out + err.toString();
    }

    @Test
    void helpListsPgBouncersFlagsAndOurs() {
        String help = run("--help");
        for (String flag : new String[] {"-q", "--quiet", "-v", "--verbose", "-V", "--version", "--transport",
                "--demo", "-d", "-u", "config"}) {
            assertTrue(help.contains(flag), "help mentions " + flag + ":\n" + help);
        }
    }

    @Test
    void versionsFirstLineIsWhatShowVersionReturns() {
        String firstLine = run("--version").lines().findFirst().orElseThrow();
        assertEquals(PgmuxVersion.text(), firstLine);
        assertTrue(firstLine.startsWith("PgBouncer 1.25.2 (pgmux "), firstLine);
    }

    @Test
    void refusesToDaemonize() {
        assertEquals(1, new CommandLine(new PgmuxCommand()).execute("-d", "pgbouncer.ini"));
    }

    @Test
    void needsAConfigOrDemo() {
        assertEquals(1, new CommandLine(new PgmuxCommand()).execute());
    }
}
