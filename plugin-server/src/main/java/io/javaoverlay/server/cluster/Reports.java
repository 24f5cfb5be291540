package io.javaoverlay.server.cluster;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;

/**
 * Logs a condition once per subject while it lasts: a message is logged when it differs from what was
 * last logged for its subject, and {@link #clear} ends the condition (so it is logged again if it
 * comes back). Keeps a waiting or failing state from filling the log every pass. Thread-safe.
 */
final class Reports {
    private final System.Logger log;
    private final Map<String, String> last = new HashMap<>();

    Reports(System.Logger log) {
        this.log = log;
    }

    /** Logs {@code message} unless it is what was last logged for {@code subject}. */
    synchronized void report(String subject, Level level, String message) {
        if (!message.equals(last.put(subject, message))) {
            log.log(level, message);
        }
    }

    /** Ends the condition of {@code subject}; true if there was one. */
    synchronized boolean clear(String subject) {
        return last.remove(subject) != null;
    }

    /** Ends every condition whose subject starts with {@code prefix} and is not in {@code still}. */
    synchronized void clearAllExcept(String prefix, java.util.Set<String> still) {
        last.keySet().removeIf(k -> k.startsWith(prefix) && !still.contains(k));
    }

    /** Ends every condition whose subject starts with {@code prefix}. */
    synchronized void clearAll(String prefix) {
        last.keySet().removeIf(k -> k.startsWith(prefix));
    }
}
