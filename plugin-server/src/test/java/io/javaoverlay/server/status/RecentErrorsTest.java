package io.javaoverlay.server.status;

import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A bounded ring of WARNING+ lines with timestamps. */
class RecentErrorsTest {
    @Test
    void keepsTheLastWarningsAndErrorsOnly() {
        RecentErrors r = new RecentErrors(3);
        for (int i = 0; i < 5; i++) {
            LogRecord rec = new LogRecord(i % 2 == 0 ? Level.WARNING : Level.SEVERE, "problem {0}");
            rec.setParameters(new Object[] {i});
            rec.setLoggerName("io.javaoverlay.server.Daemon");
            rec.setMillis(1_700_000_000_000L + i);
            r.publish(rec);
        }
        r.publish(new LogRecord(Level.INFO, "not kept"));
        assertEquals(3, r.entries().size());
        assertEquals(new StatusModel.ErrorEntry("2023-11-14T22:13:20.002Z", "WARN", "Daemon", "problem 2"), r.entries().get(0));
        assertEquals("ERROR", r.entries().get(1).level());
        assertEquals("problem 4", r.entries().get(2).message());
    }
}
