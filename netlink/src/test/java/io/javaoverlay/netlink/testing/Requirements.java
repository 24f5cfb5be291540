package io.javaoverlay.netlink.testing;

import io.javaoverlay.netlink.Netlink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * CI-aware requirements for integration tests: a missing requirement SKIPS the test on a laptop
 * and FAILS it with a clear message when the environment variable {@code CI} is {@code "true"},
 * because in CI these tests are the proof that the data plane works.
 */
public final class Requirements {
    private Requirements() {}

    /** True when running under CI ({@code CI=true}). */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (locally) or fails (CI=true) unless {@code ok}; {@code what} says what is missing. */
    public static void assumeOrFail(boolean ok, String what) {
        if (ok) {
            return;
        }
        if (isCi()) {
            Assertions.fail("requirement missing under CI=true: " + what);
        }
        Assumptions.assumeTrue(false, "skipped, requirement missing: " + what);
    }

    /** Effective uid 0, read from /proc/self/status. */
    public static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** An executable on PATH. */
    public static boolean hasCommand(String name) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", name)) || Files.isExecutable(Path.of("/sbin", name));
    }

    /** Root, a working netlink layer and iproute2 ({@code ip}, {@code bridge}) for cross-checks. */
    public static void requirePrivileged() {
        assumeOrFail(isRoot(), "root (CAP_NET_ADMIN and CAP_SYS_ADMIN) for network namespaces");
        assumeOrFail(Netlink.isAvailable(), "netlink: " + Netlink.unavailabilityCause().map(Throwable::toString).orElse(""));
        assumeOrFail(hasCommand("ip") && hasCommand("bridge"), "iproute2 (ip, bridge) on PATH");
    }
}
