package io.javaoverlay.vxlan.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An endpoint as stored under {@code endpoints/<networkId>/<endpointId>}: who owns it (host, that
 * host's Docker network, when it was created), where it lives (VTEP) and what peers need to reach it
 * (MAC, addresses). Its MAC and addresses are also index keys ({@link NetworkKeys#macIndex},
 * {@link NetworkKeys#ipIndex}), written and deleted in the same transaction. Typed in the code; in the
 * store's JSON the values are their text ({@code "198.18.0.1"}, {@code "02:42:0a:14:00:05"},
 * {@code "10.20.0.5/24"}).
 *
 * @param networkId      the cluster network ID
 * @param endpointId     Docker's endpoint ID
 * @param hostId         the host that ran CreateEndpoint, so the host whose bridge the veth is on
 * @param vtep           that host's VTEP (underlay) address
 * @param mac            the endpoint's MAC
 * @param ipv4           IPv4 address with its pool's prefix length, or null
 * @param ipv6           IPv6 address with its pool's prefix length, or null
 * @param localNetworkId the Docker network ID on the owning host (null in records of the previous release)
 * @param createdAt      epoch milliseconds on the owning host's clock when CreateEndpoint wrote it (0 in
 *                       records of the previous release: "old")
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record EndpointRecord(String networkId, String endpointId, String hostId, IpAddress vtep, MacAddress mac,
                             IpPrefix ipv4, IpPrefix ipv6, String localNetworkId, long createdAt) {

    public EndpointRecord {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(endpointId, "endpointId");
        Objects.requireNonNull(hostId, "hostId");
        Objects.requireNonNull(vtep, "vtep");
        Objects.requireNonNull(mac, "mac");
        if (createdAt < 0) {
            throw new IllegalArgumentException("negative createdAt " + createdAt + " for endpoint " + endpointId);
        }
    }

    /** A record without owner details, as the previous release wrote them (no local network ID, createdAt 0). */
    public EndpointRecord(String networkId, String endpointId, String hostId, IpAddress vtep, MacAddress mac,
                          IpPrefix ipv4, IpPrefix ipv6) {
        this(networkId, endpointId, hostId, vtep, mac, ipv4, ipv6, null, 0);
    }

    /** Builds a record from the optional addresses of a CreateEndpoint, without owner details. */
    public static EndpointRecord of(String networkId, String endpointId, String hostId, IpAddress vtep,
                                    MacAddress mac, Optional<IpPrefix> ipv4, Optional<IpPrefix> ipv6) {
        return new EndpointRecord(networkId, endpointId, hostId, vtep, mac, ipv4.orElse(null), ipv6.orElse(null));
    }

    /** This record with its owner's Docker network ID and creation time. */
    public EndpointRecord withOwner(String newLocalNetworkId, long newCreatedAt) {
        return new EndpointRecord(networkId, endpointId, hostId, vtep, mac, ipv4, ipv6, newLocalNetworkId, newCreatedAt);
    }

    /** The IPv4 address, if the endpoint has one. */
    public Optional<IpPrefix> ipv4Prefix() {
        return Optional.ofNullable(ipv4);
    }

    /** The IPv6 address, if the endpoint has one. */
    public Optional<IpPrefix> ipv6Prefix() {
        return Optional.ofNullable(ipv6);
    }

    /** The endpoint's addresses without prefix length, IPv4 first. */
    public List<IpAddress> addresses() {
        List<IpAddress> out = new ArrayList<>(2);
        if (ipv4 != null) {
            out.add(ipv4.address());
        }
        if (ipv6 != null) {
            out.add(ipv6.address());
        }
        return out;
    }

    /** This record's owner's Docker network ID, if it was written with one. */
    public Optional<String> localNetwork() {
        return Optional.ofNullable(localNetworkId);
    }

    /** True for a record written by the previous release (no owner details, no index keys). */
    public boolean isLegacy() {
        return localNetworkId == null && createdAt == 0;
    }

    /**
     * True when {@code other} describes the same endpoint: same IDs, host, VTEP, MAC and addresses.
     * The owner details (Docker network ID, creation time) are not compared: a repeated
     * CreateEndpoint or a republish carries its own time.
     */
    public boolean sameEndpoint(EndpointRecord other) {
        return networkId.equals(other.networkId) && endpointId.equals(other.endpointId) && hostId.equals(other.hostId)
                && vtep.equals(other.vtep) && mac.equals(other.mac) && Objects.equals(ipv4, other.ipv4)
                && Objects.equals(ipv6, other.ipv6);
    }

    /** This record with another VTEP (the host's advertise address changed across a restart). */
    public EndpointRecord withVtep(IpAddress newVtep) {
        return new EndpointRecord(networkId, endpointId, hostId, newVtep, mac, ipv4, ipv6, localNetworkId, createdAt);
    }
}
