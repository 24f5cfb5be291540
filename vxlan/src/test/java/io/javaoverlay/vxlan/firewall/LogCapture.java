package io.javaoverlay.vxlan.firewall;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/** Collects what the firewall package logs (System.Logger goes to java.util.logging here). */
final class LogCapture extends Handler implements AutoCloseable {
    private final Logger logger = Logger.getLogger("io.javaoverlay.vxlan.firewall");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();

    LogCapture() {
        setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord r) {
        records.add(r);
    }

    /** Messages logged at WARNING or above. */
    List<String> warnings() {
        return at(Level.WARNING);
    }

    /** Messages logged at INFO exactly. */
    List<String> infos() {
        return records.stream().filter(r -> r.getLevel() == Level.INFO).map(LogRecord::getMessage).collect(Collectors.toList());
    }

    private List<String> at(Level min) {
        return records.stream().filter(r -> r.getLevel().intValue() >= min.intValue()).map(LogRecord::getMessage)
                .collect(Collectors.toList());
    }

    void clear() {
        records.clear();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
