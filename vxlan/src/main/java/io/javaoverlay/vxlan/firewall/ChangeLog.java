package io.javaoverlay.vxlan.firewall;

import java.lang.System.Logger.Level;

/**
 * Logs a condition once when it starts, not on every resync: a host without ip6tables or nft gets one
 * warning, and the next one only when the condition changes (say, another error, or it works again).
 * Repeats go to DEBUG. Not thread-safe; each owner calls it under its own lock.
 */
final class ChangeLog {
    private final System.Logger log;
    private String lastKey = "";

    ChangeLog(System.Logger log) {
        this.log = log;
    }

    /** Logs {@code message} at {@code level} if {@code key} differs from the previous key, else at DEBUG. */
    void log(String key, Level level, String message) {
        if (key.equals(lastKey)) {
            log.log(Level.DEBUG, message);
            return;
        }
        lastKey = key;
        log.log(level, message);
    }

    /** Remembers {@code key} without logging: the next different key is logged. */
    void quiet(String key) {
        lastKey = key;
    }

    /** The key of the condition logged last ("" before the first). */
    String lastKey() {
        return lastKey;
    }
}
