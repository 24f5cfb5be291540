package io.javaoverlay.kvstore;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Records hold typed values; the store holds their text, and reads what older plugins wrote. */
class StoredJsonTest {

    record Sample(String id, IpAddress vtep, MacAddress mac, IpPrefix pool, IpPrefix gateway, Map<String, IpPrefix> aux) {}

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void valueTypesAreStoredAsTheirTextAndNullsAreLeftOut() {
        Sample s = new Sample("n1", IpAddress.parse("198.18.0.1"), MacAddress.parse("02:42:0A:14:00:05"),
                IpPrefix.parse("fd00::/64"), null, Map.of("r", IpPrefix.parse("10.20.0.9/24")));
        String json = text(StoredJson.encode(s));
        assertEquals("{\"id\":\"n1\",\"vtep\":\"198.18.0.1\",\"mac\":\"02:42:0a:14:00:05\",\"pool\":\"fd00::/64\","
                + "\"aux\":{\"r\":\"10.20.0.9/24\"}}", json);
        assertEquals(s, StoredJson.decode("k", bytes(json), Sample.class));
    }

    @Test
    void readsWhatEarlierVersionsWroteAndIgnoresUnknownFields() {
        // InetAddress.getHostAddress() wrote IPv6 uncompressed; a newer plugin may add fields.
        Sample s = StoredJson.decode("k", bytes("{\"id\":\"n1\",\"vtep\":\"fd00:0:0:0:0:0:0:1\",\"mac\":\"02:42:0a:14:00:05\","
                + "\"pool\":\"fd00:0:0:0:0:0:0:0/64\",\"gateway\":null,\"later\":{\"x\":1}}"), Sample.class);
        assertEquals(IpAddress.parse("fd00::1"), s.vtep());
        assertEquals(IpPrefix.parse("fd00::/64"), s.pool());
    }

    @Test
    void aCorruptRecordNamesTheKeyTheTypeAndTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StoredJson.decode("networks/n1",
                bytes("{\"id\":\"n1\",\"vtep\":\"10.1\"}"), Sample.class));
        assertTrue(e.getMessage().startsWith("store key networks/n1 holds a corrupt Sample: ") && e.getMessage().contains("10.1"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StoredJson.decode("k", bytes("not json"), Sample.class));
    }
}
