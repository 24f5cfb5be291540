package io.javaoverlay.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package fences of style.md section 4, checked on the sources (ArchUnit is not available
 * offline): the model has no wire or FFI types, wire makes no syscalls, and only sys uses JNR-FFI.
 * And the module fence of docs/architecture.md: netlink stands on {@code types} and on no other
 * javaoverlay module.
 */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java/io/javaoverlay/netlink");

    private static List<String> violations(Path dir, boolean recurse, String... forbidden) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = recurse ? Files.walk(dir) : Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    for (String bad : forbidden) {
                        if (line.startsWith("import") && line.contains(bad)) {
                            out.add(f.getFileName() + ": " + line);
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void onlySysUsesJnr() throws IOException {
        assertTrue(Files.isDirectory(MAIN), "run from the module directory");
        List<String> v = violations(MAIN, true, "jnr.");
        v.removeIf(s -> s.startsWith("Ffi.java") || s.startsWith("Native.java") || s.startsWith("SysTransport.java"));
        assertEquals(List.of(), v);
    }

    @Test
    void wireMakesNoSyscalls() throws IOException {
        assertEquals(List.of(), violations(MAIN.resolve("internal/wire"), true, "internal.sys", "io.javaoverlay.netlink.internal."
                + "RtnlHandle", "jnr."));
    }

    @Test
    void modelKnowsNothingInternalExceptTheEntryPoint() throws IOException {
        List<String> v = violations(MAIN, false, ".internal.");
        v.removeIf(s -> s.startsWith("Netlink.java"));
        assertEquals(List.of(), v);
    }

    @Test
    void netlinkStandsOnlyOnTypes() throws IOException {
        List<String> v = violations(MAIN, true, "io.javaoverlay.");
        v.removeIf(s -> s.contains("import io.javaoverlay.netlink.") || s.contains("import static io.javaoverlay.netlink.")
                || s.contains("import io.javaoverlay.types."));
        assertEquals(List.of(), v);
    }
}
