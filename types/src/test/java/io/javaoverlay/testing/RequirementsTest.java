package io.javaoverlay.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What counts as CI and as root, for every module's integration tests. */
class RequirementsTest {

    @ParameterizedTest(name = "CI={0} is CI")
    @ValueSource(strings = {"true", "TRUE", "True", "1", "yes", "YES", " true "})
    void ciValuesThatMeanCi(String value) {
        assertTrue(Requirements.isCi(value));
    }

    @ParameterizedTest(name = "CI={0} is not CI")
    @ValueSource(strings = {"", "false", "0", "no", "off", "tru"})
    void ciValuesThatDoNot(String value) {
        assertFalse(Requirements.isCi(value));
    }

    @Test
    void unsetIsNotCi() {
        assertFalse(Requirements.isCi(null));
    }

    @Test
    void rootIsTheEffectiveUidNotTheRealOne(@TempDir Path dir) throws Exception {
        Path setuid = dir.resolve("status");
        Files.writeString(setuid, "Name:\tjava\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n");
        assertEquals(0, Requirements.effectiveUid(setuid));
        Path user = dir.resolve("user");
        Files.writeString(user, "Uid:\t0\t1000\t1000\t1000\n");
        assertEquals(1000, Requirements.effectiveUid(user));
        assertEquals(-1, Requirements.effectiveUid(dir.resolve("missing")));
    }
}
