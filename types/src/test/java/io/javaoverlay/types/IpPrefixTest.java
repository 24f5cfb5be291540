package io.javaoverlay.types;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Address math: parsing, canonical text, sizes and reservation rules, table-driven. */
class IpPrefixTest {

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
        IpPrefix s = IpPrefix.parseNetwork(cidr);
        assertEquals(cidr, s.toString());
        assertEquals(new BigInteger(size), s.size());
        assertEquals(reserved, s.reservedCount());
        assertEquals(new BigInteger(size).subtract(BigInteger.valueOf(reserved)), s.usableCount());
        assertEquals(IpAddress.parse(first), s.firstUsable());
        assertEquals(IpAddress.parse(last), s.last());
        assertFalse(s.isReserved(s.firstUsable()));
        assertEquals(reserved > 0, s.isReserved(s.networkAddress()));
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
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpPrefix.parseNetwork(cidr));
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
        assertEquals(overlap, IpPrefix.parseNetwork(a).overlaps(IpPrefix.parseNetwork(b)));
        assertEquals(overlap, IpPrefix.parseNetwork(b).overlaps(IpPrefix.parseNetwork(a)));
    }

    @Test
    void containsAndPrefixText() {
        IpPrefix s = IpPrefix.parseNetwork("10.20.0.0/24");
        assertTrue(s.contains(IpAddress.parse("10.20.0.200")));
        assertFalse(s.contains(IpAddress.parse("10.20.1.0")));
        assertFalse(s.contains(IpAddress.parse("::a14:1")));
        assertEquals("10.20.0.7/24", s.withAddress(IpAddress.parse("10.20.0.7")).toString());
        assertTrue(s.contains(IpPrefix.parseNetwork("10.20.0.128/25")));
        assertFalse(IpPrefix.parseNetwork("10.20.0.128/25").contains(s));
    }

    @ParameterizedTest(name = "''{0}'' keeps its host bits, block {1}")
    @CsvSource({"10.20.0.5/24, 10.20.0.0/24", "198.18.0.1/32, 198.18.0.1/32", "fd00::5/64, fd00::/64", "0.0.0.0/0, 0.0.0.0/0"})
    void anInterfaceAddressKeepsItsHostBitsAndKnowsItsBlock(String cidr, String block) {
        IpPrefix p = IpPrefix.parse(cidr);
        assertEquals(cidr, p.toString());
        assertEquals(block, p.network().toString());
        assertEquals(cidr.equals(block), p.isNetwork());
        assertTrue(p.network().contains(p.address()));
        assertTrue(p.contains(p.network().last()), "block arithmetic applies to the block");
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @ValueSource(strings = {"10.20.0.5", "10.20.0.5/+24", "10.20.0.5/ 24", "10.20.0.5/24 ", "010.20.0.5/24", "10.1/8",
            "host/24", "fd00::5/0x40", "10.20.0.5/24/1"})
    void parseIsStrict(String text) {
        assertThrows(IllegalArgumentException.class, () -> IpPrefix.parse(text));
    }

    @Test
    void hostPrefixIsFullLength() {
        assertEquals("198.18.0.1/32", IpPrefix.host(IpAddress.parse("198.18.0.1")).toString());
        assertEquals("fd00::1/128", IpPrefix.host(IpAddress.parse("fd00::1")).toString());
    }
}
