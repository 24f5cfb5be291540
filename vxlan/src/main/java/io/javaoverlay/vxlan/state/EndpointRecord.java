package io.javaoverlay.vxlan.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;

import java.util.Objects;
import java.util.Optional;

/**
 * An endpoint as stored under {@code endpoints/<networkId>/<endpointId>}: where it lives (host and
 * VTEP) and what peers need to reach it (MAC, addresses). Typed in the code; in the store's JSON the
 * values are their text ({@code "198.18.0.1"}, {@code "02:42:0a:14:00:05"}, {@code "10.20.0.5/24"}).
 *
 * @param hostId the host that ran CreateEndpoint, so the host whose bridge the veth is on
 * @param vtep   that host's VTEP (underlay) address
 * @param mac    the endpoint's MAC
 * @param ipv4   IPv4 address with its pool's prefix length, or null
 * @param ipv6   IPv6 address with its pool's prefix length, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EndpointRecord(String networkId, String endpointId, String hostId, IpAddress vtep, MacAddress mac,
                             IpPrefix ipv4, IpPrefix ipv6) {

    public EndpointRecord {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(vtep, "vtep");
        Objects.requireNonNull(mac, "mac");
    }

    /** Builds a record from the optional addresses of a CreateEndpoint. */
    public static EndpointRecord of(String networkId, String endpointId, String hostId, IpAddress vtep,
                                    MacAddress mac, Optional<IpPrefix> ipv4, Optional<IpPrefix> ipv6) {
        return new EndpointRecord(networkId, endpointId, hostId, vtep, mac, ipv4.orElse(null), ipv6.orElse(null));
    }

    /** The IPv4 address, if the endpoint has one. */
    public Optional<IpPrefix> ipv4Prefix() {
        return Optional.ofNullable(ipv4);
    }

    /** The IPv6 address, if the endpoint has one. */
    public Optional<IpPrefix> ipv6Prefix() {
        return Optional.ofNullable(ipv6);
    }

    /** This record with another VTEP (the host's advertise address changed across a restart). */
    public EndpointRecord withVtep(IpAddress newVtep) {
        return new EndpointRecord(networkId, endpointId, hostId, newVtep, mac, ipv4, ipv6);
    }
}
