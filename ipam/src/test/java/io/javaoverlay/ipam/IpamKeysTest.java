package io.javaoverlay.ipam;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key layout and pool IDs: one key segment, no '/' or ':', reversible. */
class IpamKeysTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "10.20.0.0/24, 10.20.0.0_24, ipam/pools/10.20.0.0_24",
            "fd5a:7661:6f76::/48, fd5a-7661-6f76--_48, ipam/pools/fd5a-7661-6f76--_48",
            "::/0, --_0, ipam/pools/--_0",
    })
    void poolKeysAreSingleSegments(String cidr, String key, String full) {
        IpPrefix s = IpPrefix.parseNetwork(cidr);
        assertEquals(key, IpamKeys.poolKey(s));
        assertEquals(full, IpamKeys.pool(s));
        String id = IpamKeys.newPoolId(s);
        assertTrue(id.matches("[A-Za-z0-9._-]+"), id);
        assertTrue(id.startsWith(key + "_"), id);
        assertEquals(s, IpamKeys.subnetOf(id).orElseThrow());
        assertNotEquals(id, IpamKeys.newPoolId(s), "each claim gets a new generation");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "10.20.0.0/24", "JavaOverlayLocal/10.20.0.0/24", "10.20.0.0_24", "10.20.0.5_24_0011aabb",
            "10.20.0.0_33_0011aabb", "10.20.0.0_24_XYZ", "../../etc_24_0011aabb"})
    void foreignOrMalformedPoolIdsAreRejected(String id) {
        assertTrue(IpamKeys.subnetOf(id).isEmpty());
    }

    @Test
    void addressKeysRoundTrip() {
        String id = IpamKeys.newPoolId(IpPrefix.parseNetwork("fd00::/64"));
        IpAddress ip = IpAddress.parse("fd00::1:2");
        String k = IpamKeys.address(id, ip);
        assertEquals("ipam/addrs/" + id + "/fd00--1-2", k);
        assertTrue(k.startsWith(IpamKeys.addressPrefix(id)));
        assertEquals(ip, IpamKeys.addressOf(k));
        assertEquals("ipam/pool-index/v4", IpamKeys.poolIndex(false));
    }
}
