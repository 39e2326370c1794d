package io.pgmux.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class PgBouncerLogFormatterTest {

    @Test
    void writesPgBouncersLineShape() {
        LogRecord record = new LogRecord(Level.INFO, "listening on 127.0.0.1:6432");
        record.setInstant(Instant.parse("2026-11-24T22:39:28.184Z"));
        String line = new PgBouncerLogFormatter().format(record);
        long pid = ProcessHandle.current().pid();
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\S+ \\[" + pid
                + "] LOG listening on 127\\.0\\.0\\.1:6432\n"), line);
    }

    @Test
    void mapsLevelsToPgBouncersWords() {
        assertEquals("ERROR", PgBouncerLogFormatter.levelName(Level.SEVERE));
        assertEquals("WARNING", PgBouncerLogFormatter.levelName(Level.WARNING));
        assertEquals("LOG", PgBouncerLogFormatter.levelName(Level.INFO));
        assertEquals("DEBUG", PgBouncerLogFormatter.levelName(Level.FINE));
        assertEquals("NOISE", PgBouncerLogFormatter.levelName(Level.FINEST));
    }
}
