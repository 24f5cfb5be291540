package io.javaoverlay.ipam;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Address math: parsing, canonical text, sizes and reservation rules, table-driven. */
class SubnetTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "10.20.0.1, 10.20.0.1",
            "0.0.0.0, 0.0.0.0",
            "255.255.255.255, 255.255.255.255",
            "fd5a:7661:6f76::1, fd5a:7661:6f76::1",
            "FD5A:7661:6F76:0:0:0:0:1, fd5a:7661:6f76::1",
            "::, ::",
            "::1, ::1",
            "1::, 1::",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
            "::ffff:198.18.0.1, ::ffff:c612:1",
            "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
    })
    void parsesAndFormatsCanonically(String in, String canonical) {
        assertEquals(canonical, IpAddress.parse(in).toString());
        assertEquals(IpAddress.parse(in), IpAddress.parse(canonical));
    }

    @ParameterizedTest(name = "''{0}'' is not an address")
    @CsvSource(value = {"10.20.0", "10.20.0.256", "10.020.0.1", "10.20.0.1.2", "10.1", "a.b.c.d", "host.example",
            "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", ":::", "1:2:3:4:5:6:7", "fe80::1%eth0", "10.20.0.1/24", "' '"},
            emptyValue = "EMPTY")
    void rejectsBadAddresses(String in) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(in));
        assertTrue(e.getMessage().contains(in), e.getMessage());
    }

    static Stream<Arguments> blocks() {
        return Stream.of(
                // cidr, size, reserved count, first usable, last address
                Arguments.of(Named.of("/24", "10.20.0.0/24"), "256", 2, "10.20.0.1", "10.20.0.255"),
                Arguments.of(Named.of("/30", "198.18.0.4/30"), "4", 2, "198.18.0.5", "198.18.0.7"),
                Arguments.of(Named.of("/31 RFC 3021", "198.18.0.0/31"), "2", 0, "198.18.0.0", "198.18.0.1"),
                Arguments.of(Named.of("/32", "198.18.0.9/32"), "1", 0, "198.18.0.9", "198.18.0.9"),
                Arguments.of(Named.of("/0", "0.0.0.0/0"), "4294967296", 2, "0.0.0.1", "255.255.255.255"),
                Arguments.of(Named.of("v6 /64", "fd5a:7661:6f76::/64"), "18446744073709551616", 1,
                        "fd5a:7661:6f76::1", "fd5a:7661:6f76:0:ffff:ffff:ffff:ffff"),
                Arguments.of(Named.of("v6 /126", "fd00::/126"), "4", 1, "fd00::1", "fd00::3"),
                Arguments.of(Named.of("v6 /127 RFC 6164", "fd00::/127"), "2", 0, "fd00::", "fd00::1"),
                Arguments.of(Named.of("v6 /128", "fd00::5/128"), "1", 0, "fd00::5", "fd00::5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("blocks")
    void sizesAndReservations(String cidr, String size, int reserved, String first, String last) {
        Subnet s = Subnet.parse(cidr);
        assertEquals(cidr, s.toString());
        assertEquals(new BigInteger(size), s.size());
        assertEquals(reserved, s.reservedCount());
        assertEquals(new BigInteger(size).subtract(BigInteger.valueOf(reserved)), s.usableCount());
        assertEquals(IpAddress.parse(first), s.firstUsable());
        assertEquals(IpAddress.parse(last), s.last());
        assertFalse(s.isReserved(s.firstUsable()));
        assertEquals(reserved > 0, s.isReserved(s.network()));
        assertEquals(reserved == 2, s.isReserved(s.last()));
    }

    @ParameterizedTest(name = "''{0}'' -> {1}")
    @CsvSource({
            "10.20.0.5/24, host bits set; the network is 10.20.0.0/24",
            "10.20.0.0/33, more than 32 bits",
            "10.20.0.0, missing /prefix",
            "10.20.0.0/, bad prefix length",
            "10.20.0.0/024, bad prefix length",
            "10.20.0.0/-1, bad prefix length",
            "banana/24, bad address",
            "fd00::/129, more than 128 bits",
            "fd00::1/64, the network is fd00::/64",
    })
    void rejectsBadCidrsNamingThem(String cidr, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Subnet.parse(cidr));
        assertTrue(e.getMessage().contains(cidr) && e.getMessage().contains(problem), e.getMessage());
    }

    @ParameterizedTest(name = "{0} vs {1}: overlap={2}")
    @CsvSource({
            "10.20.0.0/24, 10.20.0.0/24, true",
            "10.20.0.0/16, 10.20.5.0/24, true",
            "10.20.5.0/24, 10.20.0.0/16, true",
            "10.20.0.0/24, 10.20.1.0/24, false",
            "10.20.0.0/25, 10.20.0.128/25, false",
            "fd00::/48, fd00:0:0:1::/64, true",
            "fd00::/64, fd00:0:0:1::/64, false",
            "10.0.0.0/8, ::/0, false",
    })
    void overlap(String a, String b, boolean overlap) {
        assertEquals(overlap, Subnet.parse(a).overlaps(Subnet.parse(b)));
        assertEquals(overlap, Subnet.parse(b).overlaps(Subnet.parse(a)));
    }

    @ParameterizedTest(name = "default pool {0} in /{1}s is refused")
    @CsvSource({"10.200.0.0/16, 8", "10.200.0.0/16, 33", "fd00::/48, 129"})
    void defaultPoolSplitMustFit(String base, int size) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IpamConfig.DefaultPool.parse(base, size));
        assertTrue(e.getMessage().contains(base) && e.getMessage().contains("/" + size), e.getMessage());
    }

    @Test
    void defaultPoolsMustMatchTheirFamily() {
        IpamConfig d = IpamConfig.defaults("h");
        assertThrows(IllegalArgumentException.class, () -> d.withDefaultPools(d.defaultV6Pools(), d.defaultV4Pools()));
        assertThrows(IllegalArgumentException.class, () -> d.withHostId(" "));
    }

    @Test
    void containsAndPrefixText() {
        Subnet s = Subnet.parse("10.20.0.0/24");
        assertTrue(s.contains(IpAddress.parse("10.20.0.200")));
        assertFalse(s.contains(IpAddress.parse("10.20.1.0")));
        assertFalse(s.contains(IpAddress.parse("::a14:1")));
        assertEquals("10.20.0.7/24", s.withPrefix(IpAddress.parse("10.20.0.7")));
        assertTrue(s.contains(Subnet.parse("10.20.0.128/25")));
        assertFalse(Subnet.parse("10.20.0.128/25").contains(s));
    }
}
