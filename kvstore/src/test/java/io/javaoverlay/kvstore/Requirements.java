package io.javaoverlay.kvstore;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * CI-aware assumptions for integration tests: a missing requirement (root, a consul binary,
 * docker) skips the test on a developer machine but fails it when {@code CI=true}, because in
 * CI the integration tests are the proof and a skip would hide a broken environment.
 */
public final class Requirements {
    private Requirements() {
    }

    /** True when the environment variable CI is "true". */
    public static boolean isCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Skips (outside CI) or fails (CI=true) with {@code message} unless {@code condition} holds. */
    public static void assumeOrFail(boolean condition, String message) {
        if (condition) {
            return;
        }
        if (isCi()) {
            Assertions.fail("CI=true and a test requirement is missing: " + message);
        }
        Assumptions.abort("requirement missing (would fail under CI=true): " + message);
    }
}
