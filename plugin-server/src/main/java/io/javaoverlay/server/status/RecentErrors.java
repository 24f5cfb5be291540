package io.javaoverlay.server.status;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * The last {@code capacity} WARNING and ERROR log lines, with their timestamps: a logging handler
 * on the root logger feeds a bounded ring, and {@code status} shows it. Old lines fall out; the
 * journal keeps the full story.
 */
public final class RecentErrors extends Handler {
    /** What {@code status} keeps by default. */
    public static final int DEFAULT_CAPACITY = 50;

    private final int capacity;
    private final ArrayDeque<StatusModel.ErrorEntry> ring = new ArrayDeque<>();
    private final Formatter messages = new Formatter() {
        @Override
        public String format(LogRecord record) {
            return formatMessage(record);
        }
    };

    /** A ring of {@code capacity} lines that takes WARNING and above. */
    public RecentErrors(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        this.capacity = capacity;
        setLevel(Level.WARNING);
    }

    @Override
    public void publish(LogRecord r) {
        if (r == null || !isLoggable(r)) {
            return;
        }
        String name = r.getLoggerName() == null ? "" : r.getLoggerName();
        String msg = messages.format(r);
        if (r.getThrown() != null) {
            msg = msg + " (" + r.getThrown() + ")";
        }
        String level = r.getLevel().intValue() >= Level.SEVERE.intValue() ? "ERROR" : "WARN";
        StatusModel.ErrorEntry e = new StatusModel.ErrorEntry(Instant.ofEpochMilli(r.getMillis()).toString(), level,
                name.substring(name.lastIndexOf('.') + 1), msg.replace("\n", " "));
        synchronized (ring) {
            if (ring.size() == capacity) {
                ring.removeFirst();
            }
            ring.addLast(e);
        }
    }

    /** The kept lines, oldest first. */
    public List<StatusModel.ErrorEntry> entries() {
        synchronized (ring) {
            return List.copyOf(ring);
        }
    }

    /** Adds this handler to the root logger (after the console handler is set up). */
    public RecentErrors install() {
        java.util.logging.Logger.getLogger("").addHandler(this);
        return this;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        java.util.logging.Logger.getLogger("").removeHandler(this);
    }
}
