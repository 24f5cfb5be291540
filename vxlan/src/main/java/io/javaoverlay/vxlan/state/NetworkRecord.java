package io.javaoverlay.vxlan.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.javaoverlay.types.IpPrefix;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A network as stored under {@code networks/<networkId>} (see {@link NetworkKeys}). The JSON holds
 * addresses as their text, so it stays readable with {@code consul kv get}; the code sees types.
 *
 * @param networkId     the cluster network ID (the Docker network ID of the host that created it)
 * @param vni           the VNI claimed for it ({@code vni/<vni>} points back here)
 * @param mtu           the network's container MTU, decided once at creation: the explicit option
 *                      ({@code -o com.docker.network.driver.mtu}) or the creating host's derived maximum;
 *                      every host uses it, and a host whose underlay cannot carry it refuses Join. Null in
 *                      records of the previous release: then each host derives its own.
 * @param ipv4          IPv4 pools with gateways
 * @param ipv6          IPv6 pools with gateways
 * @param options       the driver options as given
 * @param ipv6Enabled   {@code --ipv6}
 * @param internal      {@code --internal}
 * @param createdBy     host ID of the host that ran {@code docker network create}
 * @param rev           bumped by every {@link OverlayStore#joinNetwork}: a join must change the record's
 *                      modify index so that a delete that read it before fails, and Consul keeps the index
 *                      of a write that changes nothing; not part of the definition (0 in older records)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NetworkRecord(String networkId, int vni, Integer mtu, List<Pool> ipv4, List<Pool> ipv6,
                            Map<String, String> options, boolean ipv6Enabled, boolean internal, String createdBy,
                            long rev) {

    public NetworkRecord {
        Objects.requireNonNull(networkId, "networkId");
        ipv4 = ipv4 == null ? List.of() : List.copyOf(ipv4);
        ipv6 = ipv6 == null ? List.of() : List.copyOf(ipv6);
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** A record at revision 0. */
    public NetworkRecord(String networkId, int vni, Integer mtu, List<Pool> ipv4, List<Pool> ipv6,
                         Map<String, String> options, boolean ipv6Enabled, boolean internal, String createdBy) {
        this(networkId, vni, mtu, ipv4, ipv6, options, ipv6Enabled, internal, createdBy, 0);
    }

    /** This record at the next revision (same definition). */
    public NetworkRecord nextRev() {
        return new NetworkRecord(networkId, vni, mtu, ipv4, ipv6, options, ipv6Enabled, internal, createdBy, rev + 1);
    }

    /** The network's MTU; empty in a record of the previous release (each host derives its own). */
    public Optional<Integer> storedMtu() {
        return Optional.ofNullable(mtu);
    }

    /** This record with another MTU. */
    public NetworkRecord withMtu(Integer newMtu) {
        return new NetworkRecord(networkId, vni, newMtu, ipv4, ipv6, options, ipv6Enabled, internal, createdBy, rev);
    }

    /** Same network definition, ignoring who created it. Used for idempotent CreateNetwork. */
    public boolean sameSpec(NetworkRecord other) {
        return networkId.equals(other.networkId) && vni == other.vni && Objects.equals(mtu, other.mtu)
                && ipv4.equals(other.ipv4) && ipv6.equals(other.ipv6) && options.equals(other.options)
                && ipv6Enabled == other.ipv6Enabled && internal == other.internal;
    }

    /** This record with another VNI (used while allocating). */
    public NetworkRecord withVni(int newVni) {
        return new NetworkRecord(networkId, newVni, mtu, ipv4, ipv6, options, ipv6Enabled, internal, createdBy, rev);
    }

    /** This definition under another network ID (a cluster network set up again under its cluster ID). */
    public NetworkRecord withNetworkId(String newNetworkId) {
        return new NetworkRecord(newNetworkId, vni, mtu, ipv4, ipv6, options, ipv6Enabled, internal, createdBy, rev);
    }

    /** A record with named fields, for a network whose VNI is not allocated yet (0 until {@link #withVni}). */
    public static Builder builder(String networkId) {
        return new Builder(networkId);
    }

    /** Named fields of a {@link NetworkRecord}; everything but the ID is optional. */
    public static final class Builder {
        private final String networkId;
        private Integer mtu;
        private List<Pool> ipv4 = List.of();
        private List<Pool> ipv6 = List.of();
        private Map<String, String> options = Map.of();
        private boolean ipv6Enabled;
        private boolean internal;
        private String createdBy;

        private Builder(String networkId) {
            this.networkId = Objects.requireNonNull(networkId, "networkId");
        }

        /** The network's container MTU (empty: leave it unset). */
        public Builder mtu(Optional<Integer> override) {
            this.mtu = override.orElse(null);
            return this;
        }

        /** IPv4 pools (Docker's IPv4Data). */
        public Builder ipv4(List<Pool> pools) {
            this.ipv4 = pools;
            return this;
        }

        /** IPv6 pools (Docker's IPv6Data). */
        public Builder ipv6(List<Pool> pools) {
            this.ipv6 = pools;
            return this;
        }

        /** The driver options as given. */
        public Builder options(Map<String, String> driverOptions) {
            this.options = driverOptions;
            return this;
        }

        /** {@code --ipv6}. */
        public Builder ipv6Enabled(boolean on) {
            this.ipv6Enabled = on;
            return this;
        }

        /** {@code --internal}. */
        public Builder internal(boolean on) {
            this.internal = on;
            return this;
        }

        /** The host that ran {@code docker network create}. */
        public Builder createdBy(String hostId) {
            this.createdBy = hostId;
            return this;
        }

        /** The record, VNI 0. */
        public NetworkRecord build() {
            return new NetworkRecord(networkId, 0, mtu, ipv4, ipv6, options, ipv6Enabled, internal, createdBy);
        }
    }

    /** Every pool, IPv4 first. */
    public List<Pool> pools() {
        List<Pool> all = new java.util.ArrayList<>(ipv4);
        all.addAll(ipv6);
        return all;
    }

    /**
     * One IPAM pool, one element of Docker's IPv4Data / IPv6Data: the one typed form of a network's
     * pool, from CreateNetwork (plugin-server builds it at the boundary) to the store.
     *
     * @param addressSpace the IPAM address space it came from ({@code ""} when Docker sent none)
     * @param pool         the block, e.g. {@code 10.20.0.0/24}
     * @param gateway      the gateway with the pool's prefix length, e.g. {@code 10.20.0.1/24}, or null
     * @param auxAddresses {@code --aux-address} name to address (with prefix length)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Pool(String addressSpace, IpPrefix pool, IpPrefix gateway, Map<String, IpPrefix> auxAddresses) {
        public Pool {
            Objects.requireNonNull(pool, "pool");
            auxAddresses = auxAddresses == null ? Map.of() : Map.copyOf(auxAddresses);
        }

        /** A pool as Docker describes it; {@code gateway} empty when Docker sent none. */
        public static Pool of(String addressSpace, IpPrefix pool, Optional<IpPrefix> gateway,
                              Map<String, IpPrefix> auxAddresses) {
            return new Pool(addressSpace, pool, gateway.orElse(null), auxAddresses);
        }
    }
}
