package io.javaoverlay.server;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per event on stderr, for journald or a terminal. Under systemd ({@code JOURNAL_STREAM}
 * set) lines carry a {@code <N>} syslog-priority prefix and no timestamp (journald stamps them);
 * otherwise an ISO timestamp and level word. Stack traces are folded into the same line.
 */
public final class LogSetup {
    // JUL keeps loggers weakly: hold the ones we configure.
    private static final Logger ROOT = Logger.getLogger("");
    private static final Logger JERSEY_PROVIDERS = Logger.getLogger("org.glassfish.jersey.internal.inject.Providers");

    private LogSetup() {
    }

    /** Installs the formatter on the root JUL logger at {@code level}. */
    public static void install(Level level, Map<String, String> env) {
        java.util.logging.Level jul = toJul(level);
        for (Handler h : ROOT.getHandlers()) {
            ROOT.removeHandler(h);
        }
        Handler h = new ConsoleHandler();   // writes to System.err
        h.setFormatter(new LineFormatter(env.containsKey("JOURNAL_STREAM")));
        h.setLevel(jul);
        ROOT.addHandler(h);
        ROOT.setLevel(jul);
        // Jersey warns that resource *instances* "do not implement provider interfaces"; they are
        // registered as resources all the same (every endpoint is covered by the socket tests).
        JERSEY_PROVIDERS.setLevel(java.util.logging.Level.SEVERE);
    }

    static java.util.logging.Level toJul(Level level) {
        switch (level) {
            case ERROR:
                return java.util.logging.Level.SEVERE;
            case WARNING:
                return java.util.logging.Level.WARNING;
            case INFO:
                return java.util.logging.Level.INFO;
            case DEBUG:
                return java.util.logging.Level.FINE;
            case TRACE:
            case ALL:
                return java.util.logging.Level.FINEST;
            default:
                return java.util.logging.Level.OFF;
        }
    }

    /** The single-line format. */
    static final class LineFormatter extends Formatter {
        private final boolean journal;

        LineFormatter(boolean journal) {
            this.journal = journal;
        }

        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(160);
            int v = r.getLevel().intValue();
            if (journal) {
                // syslog priorities: 3 err, 4 warning, 6 info, 7 debug
                sb.append(v >= 1000 ? "<3>" : v >= 900 ? "<4>" : v >= 800 ? "<6>" : "<7>");
            } else {
                sb.append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                  .append(v >= 1000 ? "ERROR" : v >= 900 ? "WARN " : v >= 800 ? "INFO " : "DEBUG").append(' ');
            }
            String name = r.getLoggerName() == null ? "" : r.getLoggerName();
            sb.append(name.substring(name.lastIndexOf('.') + 1)).append(": ");
            sb.append(oneLine(formatMessage(r)));
            Throwable t = r.getThrown();
            if (t != null) {
                sb.append(" | ").append(oneLine(t.toString()));
                StackTraceElement[] st = t.getStackTrace();
                for (int i = 0; i < Math.min(st.length, 8); i++) {
                    sb.append(i == 0 ? " at " : " <- ").append(st[i]);
                }
                for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                    sb.append(" | caused by ").append(oneLine(c.toString()));
                }
            }
            return sb.append('\n').toString();
        }

        private static String oneLine(String s) {
            return s == null ? "" : s.replace("\r", "").replace("\n", " \\n ");
        }
    }
}
