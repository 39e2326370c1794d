package io.pgmux;

import picocli.CommandLine;

/** Entry point of {@code java -jar pgmux.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new PgmuxCommand()).execute(args));
    }
}
