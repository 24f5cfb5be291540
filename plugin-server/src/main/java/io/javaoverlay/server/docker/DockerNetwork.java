package io.javaoverlay.server.docker;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Docker network as the Engine API describes it (the fields javaoverlay needs).
 *
 * @param id          Docker's network ID (per host on Docker 24+ with Scope local)
 * @param name        the user-visible name
 * @param driver      network driver name
 * @param options     driver options ({@code -o})
 * @param ipamDriver  IPAM driver name
 * @param ipamOptions IPAM options ({@code --ipam-opt})
 * @param ipam        pools: subnet, ip-range, gateway
 * @param enableIPv6  {@code --ipv6}
 * @param internal    {@code --internal}
 * @param containers  containers attached on this host; -1 when unknown (list form)
 * @param enableIPv4  {@code --ipv4} (Docker 28+, API 1.47; true when the daemon does not report it)
 */
public record DockerNetwork(String id, String name, String driver, Map<String, String> options, String ipamDriver,
                            Map<String, String> ipamOptions, List<IpamConfig> ipam, boolean enableIPv6,
                            boolean internal, int containers, boolean enableIPv4) {
    public DockerNetwork {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        options = Map.copyOf(options);
        ipamOptions = Map.copyOf(ipamOptions);
        ipam = List.copyOf(ipam);
    }

    /** A network with IPv4 enabled (every Docker before 28 reports no {@code EnableIPv4}). */
    public DockerNetwork(String id, String name, String driver, Map<String, String> options, String ipamDriver,
                         Map<String, String> ipamOptions, List<IpamConfig> ipam, boolean enableIPv6, boolean internal,
                         int containers) {
        this(id, name, driver, options, ipamDriver, ipamOptions, ipam, enableIPv6, internal, containers, true);
    }

    /**
     * One {@code IPAM.Config} element; null fields were not set. The gateway is kept as a bare address:
     * Docker 27 and older print an IPAM-allocated IPv6 gateway in CIDR form ({@code fd00::1/64}) in
     * {@code network inspect}, but refuse that form in {@code POST /networks/create} ("invalid address").
     */
    public record IpamConfig(String subnet, String ipRange, String gateway) {
        public IpamConfig {
            Objects.requireNonNull(subnet, "subnet");
            gateway = bareAddress(gateway);
        }
    }

    /** {@code address} without a {@code /prefix-length} suffix; null stays null. */
    public static String bareAddress(String address) {
        if (address == null) {
            return null;
        }
        int slash = address.indexOf('/');
        return slash < 0 ? address : address.substring(0, slash);
    }
}
