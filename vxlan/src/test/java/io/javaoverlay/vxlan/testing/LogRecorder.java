package io.javaoverlay.vxlan.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects what one logger logs (System.Logger goes to java.util.logging in the tests). */
public final class LogRecorder extends Handler implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    /** Records {@code loggerName} and its children from now until {@link #close()}. */
    public LogRecorder(String loggerName) {
        logger = Logger.getLogger(loggerName);
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    /** Messages logged at ERROR (SEVERE). */
    public List<String> errors() {
        return records.stream().filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogRecord::getMessage).toList();
    }

    /** Messages logged at INFO exactly. */
    public List<String> infos() {
        return records.stream().filter(r -> r.getLevel() == Level.INFO).map(LogRecord::getMessage).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
