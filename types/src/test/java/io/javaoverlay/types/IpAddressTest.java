package io.javaoverlay.types;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The conversions at the edges: kernel bytes and the JDK's InetAddress, without any lookup. */
class IpAddressTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0.0.0.0", "10.20.0.5", "255.255.255.255", "128.0.0.1", "::", "::1", "fd00::5",
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "8000::"})
    void bytesRoundTripThroughTheKernelAndTheJdkForm(String text) throws Exception {
        IpAddress ip = IpAddress.parse(text);
        byte[] jdk = InetAddress.getByName(text).getAddress();
        assertArrayEquals(jdk, ip.bytes(), "network-order bytes");
        assertEquals(ip, IpAddress.ofBytes(jdk));
        assertEquals(ip, IpAddress.of(ip.toInetAddress()));
    }

    @Test
    void byteCountDecidesTheFamily() {
        assertEquals(false, IpAddress.ofBytes(new byte[4]).v6());
        assertEquals(true, IpAddress.ofBytes(new byte[16]).v6());
        assertThrows(IllegalArgumentException.class, () -> IpAddress.ofBytes(new byte[6]));
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @ValueSource(strings = {"１０.0.0.1", "fd00::٣", "10.0.0.1 ", " 10.0.0.1", "+10.0.0.1"})
    void onlyAsciiDigitsAndNoBlanks(String text) {
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
    }

    @ParameterizedTest(name = "''{0}'' is not a dotted quad")
    @ValueSource(strings = {"1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "01.2.3.4", "1.2.3.00", "256.1.1.1",
            "1.2.3.1000", "1.2.3.-1", "1.2.3.4a", "1.2.3.4.", "....", "1", "::ffff:1.2.3", "::ffff:1.2.3.256"})
    void dottedQuadsAreStrict(String text) {
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"1.2.3.4", "0.10.100.255", "198.18.0.1", "::ffff:198.18.0.1", "64:ff9b::10.0.0.1"})
    void dottedQuadsReadLikeTheJdk(String text) throws Exception {
        byte[] ours = IpAddress.parse(text).bytes();
        byte[] jdk = InetAddress.getByName(text).getAddress(); // the JDK turns ::ffff:a.b.c.d into 4 bytes
        assertArrayEquals(jdk, java.util.Arrays.copyOfRange(ours, ours.length - jdk.length, ours.length));
    }
}
