package io.javaoverlay.ipam;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure free-address search: reserved addresses, wrap-around, exhaustion, sub-ranges. */
class AddressPickerTest {

    private static Set<BigInteger> taken(String list) {
        if (list == null || list.isBlank()) {
            return new HashSet<>();
        }
        return Arrays.stream(list.split(" ")).map(s -> IpAddress.parse(s).value()).collect(Collectors.toSet());
    }

    @ParameterizedTest(name = "{0} range {1} taken [{2}] from {3} -> {4}")
    @CsvSource(value = {
            // pool, range, taken, from, expected ("none" = exhausted)
            "10.20.0.0/24 | 10.20.0.0/24 | | 10.20.0.0 | 10.20.0.1",
            "10.20.0.0/24 | 10.20.0.0/24 | 10.20.0.1 10.20.0.2 | 10.20.0.1 | 10.20.0.3",
            "10.20.0.0/24 | 10.20.0.0/24 | | 10.20.0.255 | 10.20.0.1",
            "10.20.0.0/24 | 10.20.0.0/24 | 10.20.0.254 | 10.20.0.254 | 10.20.0.1",
            "10.20.0.0/24 | 10.20.0.128/25 | | 10.20.0.7 | 10.20.0.128",
            "10.20.0.0/24 | 10.20.0.128/25 | 10.20.0.128 | 10.20.0.128 | 10.20.0.129",
            "10.20.0.0/30 | 10.20.0.0/30 | 10.20.0.1 10.20.0.2 | 10.20.0.0 | none",
            "10.20.0.0/31 | 10.20.0.0/31 | | 10.20.0.0 | 10.20.0.0",
            "10.20.0.0/31 | 10.20.0.0/31 | 10.20.0.0 | 10.20.0.0 | 10.20.0.1",
            "10.20.0.0/31 | 10.20.0.0/31 | 10.20.0.0 10.20.0.1 | 10.20.0.0 | none",
            "10.20.0.9/32 | 10.20.0.9/32 | | 10.20.0.9 | 10.20.0.9",
            "10.20.0.9/32 | 10.20.0.9/32 | 10.20.0.9 | 10.20.0.9 | none",
            "fd00::/64 | fd00::/64 | | fd00:: | fd00::1",
            "fd00::/64 | fd00::/64 | | fd00::ffff:ffff:ffff:ffff | fd00::ffff:ffff:ffff:ffff",
            "fd00::/64 | fd00::/64 | fd00::ffff:ffff:ffff:ffff | fd00::ffff:ffff:ffff:ffff | fd00::1",
            "fd00::/127 | fd00::/127 | fd00::1 | fd00::1 | fd00::",
    }, delimiter = '|')
    void nextFree(String pool, String range, String takenList, String from, String expected) {
        var got = AddressPicker.nextFree(IpPrefix.parseNetwork(pool), IpPrefix.parseNetwork(range), taken(takenList),
                IpAddress.parse(from).value());
        assertEquals(expected, got.map(IpAddress::toString).orElse("none"));
    }

    @ParameterizedTest(name = "{0} range {1}: {2} usable")
    @CsvSource({
            "10.20.0.0/24, 10.20.0.0/24, 254",
            "10.20.0.0/24, 10.20.0.128/25, 127",
            "10.20.0.0/24, 10.20.0.64/26, 64",
            "10.20.0.0/31, 10.20.0.0/31, 2",
            "10.20.0.0/32, 10.20.0.0/32, 1",
            "fd00::/120, fd00::/120, 255",
    })
    void usableCount(String pool, String range, long usable) {
        assertEquals(BigInteger.valueOf(usable), AddressPicker.usableCount(IpPrefix.parseNetwork(pool), IpPrefix.parseNetwork(range)));
    }

    @Test
    void hostStartIsStableAndInsideTheRange() {
        IpPrefix r = IpPrefix.parseNetwork("10.20.0.0/16");
        BigInteger a = AddressPicker.hostStart("host-a", r);
        assertEquals(a, AddressPicker.hostStart("host-a", r));
        assertTrue(r.contains(new IpAddress(false, a)));
        Set<BigInteger> starts = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            starts.add(AddressPicker.hostStart("host-" + i, r));
        }
        assertTrue(starts.size() > 45, "host offsets should spread: " + starts.size());
    }
}
