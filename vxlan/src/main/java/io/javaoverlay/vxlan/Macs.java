package io.javaoverlay.vxlan;

import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;

import java.util.Optional;

/**
 * MAC addresses for endpoints that Docker sent without one. Like Docker's own drivers we derive
 * the MAC from the IPv4 address ({@code 02:42} + the four address bytes): deterministic, so a
 * retried CreateEndpoint gets the same answer, and unique as long as the IP is. IPv6-only
 * endpoints use the last four bytes of the IPv6 address the same way.
 */
public final class Macs {
    private Macs() {}

    /** The MAC for an endpoint with these addresses. @throws IllegalArgumentException if both are empty */
    public static MacAddress derive(Optional<IpPrefix> ipv4, Optional<IpPrefix> ipv6) {
        byte[] addr = ipv4.or(() -> ipv6).orElseThrow(() ->
                new IllegalArgumentException("no address to derive a MAC from")).address().bytes();
        byte[] mac = new byte[6];
        mac[0] = 0x02; // locally administered, unicast
        mac[1] = 0x42;
        System.arraycopy(addr, addr.length - 4, mac, 2, 4);
        return MacAddress.of(mac);
    }

    /** True for an address usable as an interface MAC: unicast and not all zeros. */
    public static boolean isUsable(MacAddress mac) {
        return !mac.isZero() && !mac.isMulticast();
    }

    /** True when {@code p} is an IPv4 prefix. */
    static boolean isV4(IpPrefix p) {
        return p.address().v4();
    }
}
