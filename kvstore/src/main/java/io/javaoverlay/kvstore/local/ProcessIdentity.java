package io.javaoverlay.kvstore.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Identifies a process by pid plus its start time (field 22 of {@code /proc/<pid>/stat}, in clock
 * ticks since boot), so a recycled pid is not mistaken for the lease owner.
 */
final class ProcessIdentity {
    /** Start time used when /proc is unavailable; liveness then falls back to the pid alone. */
    static final long UNKNOWN_START = -1;

    private static final long SELF_PID = ProcessHandle.current().pid();
    private static final long SELF_START = startTimeOf(SELF_PID).orElse(UNKNOWN_START);

    private ProcessIdentity() {
    }

    static long selfPid() {
        return SELF_PID;
    }

    static long selfStartTime() {
        return SELF_START;
    }

    /** True if the process {@code pid} exists and (when known) started at {@code startTime}. */
    static boolean isAlive(long pid, long startTime) {
        if (pid == SELF_PID && startTime == SELF_START) {
            return true;
        }
        if (startTime == UNKNOWN_START) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
        Optional<Long> actual = startTimeOf(pid);
        return actual.isPresent() && actual.get() == startTime;
    }

    /** Reads the start time of {@code pid}; empty if the process does not exist. */
    static Optional<Long> startTimeOf(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"),
                    StandardCharsets.US_ASCII);
            // The command name (field 2) is in parentheses and may contain spaces or ')', so
            // split after the LAST ')'. Fields after it start at field 3 (state).
            String rest = stat.substring(stat.lastIndexOf(')') + 2);
            String[] f = rest.trim().split(" +");
            // A zombie has exited: its keys must go, although /proc still lists it.
            if (f[0].equals("Z") || f[0].equals("X")) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(f[22 - 3]));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            // No usable /proc (not Linux): fall back to ProcessHandle.
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(p -> UNKNOWN_START);
        }
    }
}
