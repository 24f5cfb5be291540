package io.javaoverlay.kvstore.consul;

import io.javaoverlay.kvstore.KvStores;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsulConfigTest {

    @Test
    void defaultsAreLocalAgentAndVersionedPrefix() {
        ConsulConfig c = ConsulConfig.fromEnv(Map.of());
        assertEquals(URI.create("http://127.0.0.1:8500"), c.address());
        assertEquals("javaoverlay/v1/", c.prefix());
        assertNull(c.token());
        assertFalse(c.https());
    }

    @Test
    void environmentAddressMayCarryAScheme() {
        assertEquals(URI.create("http://10.1.2.3:8500"),
                ConsulConfig.fromEnv(Map.of("CONSUL_HTTP_ADDR", "10.1.2.3:8500")).address());
        assertEquals(URI.create("https://consul.example:8501"),
                ConsulConfig.fromEnv(Map.of("CONSUL_HTTP_ADDR", "https://consul.example:8501")).address());
        assertEquals(URI.create("http://consul.example:8500"),
                ConsulConfig.fromEnv(Map.of("CONSUL_HTTP_ADDR", "http://consul.example")).address());
        assertEquals(URI.create("https://h:9000"),
                ConsulConfig.fromEnv(Map.of("CONSUL_HTTP_ADDR", "h:9000", "CONSUL_HTTP_SSL", "true")).address());
    }

    @Test
    void environmentTokenAndTlsFilesAreHonoured() {
        ConsulConfig c = ConsulConfig.fromEnv(Map.of("CONSUL_HTTP_TOKEN", "s3cr3t", "CONSUL_HTTP_ADDR", "https://h:8501",
                "CONSUL_CACERT", "/etc/ca.pem", "CONSUL_CLIENT_CERT", "/etc/c.pem", "CONSUL_CLIENT_KEY", "/etc/k.pem"));
        assertEquals("s3cr3t", c.token());
        assertEquals(Path.of("/etc/ca.pem"), c.caFile());
        assertEquals(Path.of("/etc/k.pem"), c.keyFile());
        assertFalse(c.toString().contains("s3cr3t"), c.toString());
        assertFalse(c.describe().contains("s3cr3t"));
    }

    @Test
    void badValuesAreRejectedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConsulConfig.defaults().withAddress(URI.create("ftp://h:1")));
        assertTrue(e.getMessage().contains("ftp://h:1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ConsulConfig.fromEnv(Map.of("CONSUL_HTTP_ADDR", "unix:///x.sock")));
        assertThrows(IllegalArgumentException.class, () -> ConsulConfig.defaults().withTls(null, Path.of("c"), null));
        assertThrows(IllegalArgumentException.class, () -> ConsulConfig.defaults().withPrefix("has space/"));
        assertThrows(IllegalArgumentException.class,
                () -> ConsulConfig.defaults().withTimeouts(java.time.Duration.ZERO, java.time.Duration.ofSeconds(1)));
    }

    @Test
    void prefixIsNormalised() {
        assertEquals("a/b/", ConsulConfig.defaults().withPrefix("/a/b").prefix());
        assertEquals("", ConsulConfig.defaults().withPrefix("").prefix());
    }

    @Test
    void specOverridesAddressAndPrefixButKeepsTokenFromBase() throws Exception {
        ConsulConfig base = ConsulConfig.defaults().withToken("t");
        ConsulConfig c = KvStores.consulConfigFor(URI.create("consul://10.0.0.9:8600/custom/prefix"), base);
        assertEquals(URI.create("http://10.0.0.9:8600"), c.address());
        assertEquals("custom/prefix/", c.prefix());
        assertEquals("t", c.token());
        try (var store = KvStores.open("consul:", base)) {
            assertEquals(base.describe(), store.describe());
        }
        try (var store = KvStores.open("consul://", base)) {
            assertEquals(base.describe(), store.describe());
        }
        ConsulConfig tls = KvStores.consulConfigFor(URI.create("consul://h:8501"),
                base.withTls(Path.of("/ca.pem"), null, null));
        assertTrue(tls.https());
        assertEquals("javaoverlay/v1/", tls.prefix());
    }

    @Test
    void fileSpecOpensTheLocalStoreAndUnknownSpecsAreRejected(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        try (var store = KvStores.open("file://" + dir.resolve("state"), ConsulConfig.defaults())) {
            assertEquals("file://" + dir.resolve("state"), store.describe());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KvStores.open("etcd://h:2379", ConsulConfig.defaults()));
        assertTrue(e.getMessage().contains("etcd://h:2379"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KvStores.open("file:///", ConsulConfig.defaults()));
    }
}
