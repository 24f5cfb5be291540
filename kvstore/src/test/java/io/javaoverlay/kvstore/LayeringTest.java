package io.javaoverlay.kvstore;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fences of docs/architecture.md, checked on the sources: kvstore stands on {@code types} and
 * on no other javaoverlay module, and only {@code kvstore.consul} knows Ecwid's consul-api.
 */
class LayeringTest {
    private static final Path MAIN = Path.of("src/main/java/io/javaoverlay/kvstore");

    private static List<String> imports(Path dir, String fragment) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.startsWith("import") && line.contains(fragment)) {
                        out.add(MAIN.relativize(f) + ": " + line);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void kvstoreStandsOnlyOnTypes() throws IOException {
        assertTrue(Files.isDirectory(MAIN), "run from the module directory");
        List<String> v = imports(MAIN, "io.javaoverlay.");
        v.removeIf(s -> s.contains("import io.javaoverlay.kvstore.") || s.contains("import static io.javaoverlay.kvstore.")
                || s.contains("import io.javaoverlay.types."));
        assertEquals(List.of(), v);
    }

    /**
     * Ecwid's ConsulRawClient builds a default HttpClient with a TLS context and Apache's
     * public-suffix list in its class initialiser, about 8 MB of the daemon's RSS that nothing uses;
     * ConsulClient and the transport package need it. Only Ecwid's request parameters may be used.
     */
    @Test
    void ecwidsClientAndTransportAreNeverLoaded() throws IOException {
        List<String> v = imports(MAIN, "com.ecwid.consul.v1.ConsulClient");
        v.addAll(imports(MAIN, "com.ecwid.consul.v1.ConsulRawClient"));
        v.addAll(imports(MAIN, "com.ecwid.consul.transport."));
        v.addAll(imports(MAIN, "com.ecwid.consul.v1.Request"));
        v.addAll(imports(MAIN, "com.ecwid.consul.v1.Response"));
        assertEquals(List.of(), v);
    }

    @Test
    void onlyTheConsulPackageKnowsEcwid() throws IOException {
        List<String> v = imports(MAIN, "com.ecwid.");
        v.removeIf(s -> s.startsWith("consul/"));
        assertEquals(List.of(), v);
    }
}
