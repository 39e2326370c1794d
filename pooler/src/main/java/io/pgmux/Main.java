package io.pgmux;

import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;

/** Entry point of {@code java -jar pgmux.jar}. */
public final class Main {
    private static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

    private Main() {
    }

    public static void main(String[] args) {
        if (System.getProperty(LEAK_DETECTION_PROPERTY) == null) {
            // Netty samples one buffer in 128 for leaks by default, taking a stack trace at each sample: a cost on
            // every relayed batch that the tests pay instead (they run with paranoid detection). -D turns it back on.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        System.exit(new CommandLine(new PgmuxCommand()).execute(args));
    }
}
