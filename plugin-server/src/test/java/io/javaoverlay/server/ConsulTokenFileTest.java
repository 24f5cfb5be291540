package io.javaoverlay.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** --consul-token-file: read once, trimmed; a file others can read is refused, an empty one too. */
class ConsulTokenFileTest {
    @TempDir
    Path dir;

    Path file(String content, String mode) throws IOException {
        Path f = dir.resolve("consul.token");
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void privateFileIsRead() throws Exception {
        assertEquals("0f1e2d3c-aaaa-bbbb-cccc-1234567890ab", ConsulTokenFile.read(file("0f1e2d3c-aaaa-bbbb-cccc-1234567890ab\n", "rw-------")));
        assertEquals("t", ConsulTokenFile.read(file("t", "r--r-----")), "group-readable: accepted with a warning");
    }

    @Test
    void worldReadableEmptyOrMissingFilesAreRefused() throws Exception {
        Path f = file("t", "rw-r--r--");
        assertEquals("the Consul token file " + f + " is accessible by others (rw-r--r--); refusing to use it: chmod 600 " + f,
                assertThrows(IOException.class, () -> ConsulTokenFile.read(f)).getMessage());
        assertEquals("the Consul token file " + f + " is empty",
                assertThrows(IOException.class, () -> ConsulTokenFile.read(file(" \n", "rw-------"))).getMessage());
        Path missing = dir.resolve("absent");
        assertThrows(IOException.class, () -> ConsulTokenFile.read(missing));
    }
}
