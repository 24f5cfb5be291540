package io.javaoverlay.vxlan.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.javaoverlay.netlink.IpPrefix;
import io.javaoverlay.netlink.MacAddress;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * An endpoint as stored under {@code endpoints/<networkId>/<endpointId>}: where it lives (host and
 * VTEP) and what peers need to reach it (MAC, addresses).
 *
 * @param hostId the host that ran CreateEndpoint, so the host whose bridge the veth is on
 * @param vtep   that host's VTEP (underlay) address
 * @param mac    colon-separated MAC
 * @param ipv4   IPv4 CIDR or null
 * @param ipv6   IPv6 CIDR or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EndpointRecord(String networkId, String endpointId, String hostId, String vtep, String mac,
                             String ipv4, String ipv6) {

    public EndpointRecord {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(vtep, "vtep");
        Objects.requireNonNull(mac, "mac");
    }

    /** Builds a record from typed values. */
    public static EndpointRecord of(String networkId, String endpointId, String hostId, InetAddress vtep,
                                    MacAddress mac, Optional<IpPrefix> ipv4, Optional<IpPrefix> ipv6) {
        return new EndpointRecord(networkId, endpointId, hostId, vtep.getHostAddress(), mac.toString(),
                ipv4.map(IpPrefix::toString).orElse(null), ipv6.map(IpPrefix::toString).orElse(null));
    }

    /** The MAC, parsed. */
    public MacAddress macAddress() {
        return MacAddress.parse(mac);
    }

    /** The owning host's VTEP, parsed. */
    public InetAddress vtepAddress() {
        return IpPrefix.parseAddress(vtep);
    }

    /** The IPv4 CIDR, parsed. */
    public Optional<IpPrefix> ipv4Prefix() {
        return Optional.ofNullable(ipv4).map(IpPrefix::parse);
    }

    /** The IPv6 CIDR, parsed. */
    public Optional<IpPrefix> ipv6Prefix() {
        return Optional.ofNullable(ipv6).map(IpPrefix::parse);
    }
}
