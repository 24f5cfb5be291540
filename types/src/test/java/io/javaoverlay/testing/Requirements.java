package io.javaoverlay.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The one CI-aware check for what an integration test needs (root, a tool, a consul binary, the
 * testbed), shared by every module through types' test-jar. A missing requirement skips the test
 * on a developer machine and fails it under CI: there these tests are the proof that the system
 * works, and a skip would hide a broken environment.
 *
 * <p>CI is on when the environment variable {@code CI} is {@code true}, {@code 1} or {@code yes}
 * in any case (what CI services set). Root is the effective uid, not the user name.
 */
public final class Requirements {
    private static final Set<String> TRUE = Set.of("true", "1", "yes");

    private Requirements() {
    }

    /** True when running under CI: {@code CI} is true, 1 or yes, in any case. */
    public static boolean isCi() {
        return isCi(System.getenv("CI"));
    }

    /** The CI rule on a given value of {@code CI} (null when unset). */
    static boolean isCi(String value) {
        return value != null && TRUE.contains(value.trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Skips (outside CI) or fails (CI) unless {@code ok} holds.
     *
     * @param what what is missing, phrased for the reader of the test report
     */
    public static void require(boolean ok, String what) {
        if (ok) {
            return;
        }
        if (isCi()) {
            Assertions.fail("CI is set and a test requirement is missing: " + what);
        }
        Assumptions.abort("skipped, requirement missing (fails under CI): " + what);
    }

    /** True when the effective uid is 0 (the second field of {@code Uid:} in /proc/self/status). */
    public static boolean isRoot() {
        return effectiveUid(Path.of("/proc/self/status")) == 0;
    }

    /** The effective uid from a {@code /proc/<pid>/status} file, or -1 if it cannot be read. */
    static long effectiveUid(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Uid:")) {
                    // Uid: real effective saved filesystem
                    return Long.parseLong(line.split("\\s+")[2]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** True when an executable named {@code tool} is on PATH (or in /usr/sbin, /sbin). */
    public static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : (path + ":/usr/sbin:/sbin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Requires root (namespaces, CAP_NET_ADMIN), naming why in {@code purpose}. */
    public static void requireRoot(String purpose) {
        require(isRoot(), "root (effective uid 0) for " + purpose);
    }

    /** Requires every tool on PATH. */
    public static void requireTools(String... tools) {
        for (String t : tools) {
            require(onPath(t), "'" + t + "' on PATH");
        }
    }
}
