package io.javaoverlay.server.e2e;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Environment checks for integration tests. A missing requirement skips the test on a developer
 * machine, but fails it when {@code CI=true}: in CI these tests are the proof that the system works,
 * so they must never go green by being skipped.
 */
public final class Requirements {

    private Requirements() {
    }

    /** True when the environment variable {@code CI} is {@code "true"}. */
    public static boolean isCi() {
        return "true".equals(System.getenv("CI"));
    }

    /**
     * Skips (outside CI) or fails (CI) unless {@code condition} holds.
     *
     * @param condition whether the requirement is met
     * @param what      what is missing, phrased for the reader of the test report
     */
    public static void require(boolean condition, String what) {
        if (condition) {
            return;
        }
        if (isCi()) {
            fail("CI=true but a test requirement is missing: " + what);
        }
        assumeTrue(false, "skipped, requirement missing: " + what);
    }

    /** True when the JVM runs as root (the testbed creates namespaces and starts dockerds). */
    public static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return uid instanceof Integer i && i == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Requires root, the testbed script and the tools it needs (nsenter, ip, containerd, runc). */
    public static void requireTestbed() {
        require(isRoot(), "root (the testbed creates namespaces and runs dockerd)");
        require(Files.isExecutable(Testbed.script()), "the testbed script " + Testbed.script());
        for (String tool : new String[] {"nsenter", "ip", "containerd", "runc", "curl"}) {
            require(onPath(tool), "'" + tool + "' on PATH (.ci/run installs it)");
        }
    }

    /** True when an executable named {@code tool} is on PATH. */
    public static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
