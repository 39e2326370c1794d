package io.pgmux.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (paranoid in tests) reported a ByteBuf that was never released.
 * Registered for every test class through the JUnit extension service file. Reports appear only after the leaked
 * buffer was garbage-collected, so after each class this forces collections and allocations first.
 */
public final class LeakCheckExtension implements AfterAllCallback {
    private static final Logger DETECTOR = Logger.getLogger("io.netty.util.ResourceLeakDetector");
    private static final List<String> LEAKS = new ArrayList<>();

    static {
        DETECTOR.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                String message = record.getMessage();
                if (message != null && message.contains("LEAK")) {
                    synchronized (LEAKS) {
                        LEAKS.add(message);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        DETECTOR.setLevel(Level.ALL);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        for (int i = 0; i < 3; i++) {
            System.gc();
            for (int j = 0; j < 64; j++) {
                ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(16);
                probe.release();
            }
        }
        synchronized (LEAKS) {
            if (!LEAKS.isEmpty()) {
                String report = String.join("\n", LEAKS);
                LEAKS.clear();
                throw new AssertionError("ByteBuf leak reported during " + context.getDisplayName() + ":\n"
                        + report);
            }
        }
    }
}
