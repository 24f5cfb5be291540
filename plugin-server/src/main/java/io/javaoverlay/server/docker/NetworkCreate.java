package io.javaoverlay.server.docker;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The body of {@code POST /networks/create}.
 *
 * @param name        network name
 * @param driver      network driver
 * @param options     driver options
 * @param ipamDriver  IPAM driver
 * @param ipamOptions IPAM options
 * @param ipam        pools (subnet, ip-range, gateway)
 * @param enableIPv6  {@code --ipv6}
 * @param internal    {@code --internal}
 * @param enableIPv4  {@code --ipv4}; false (an IPv6-only network) is sent as {@code "EnableIPv4": false},
 *                    which only Docker 28+ understands; true is not sent (older daemons know no such field)
 */
public record NetworkCreate(String name, String driver, Map<String, String> options, String ipamDriver,
                            Map<String, String> ipamOptions, List<DockerNetwork.IpamConfig> ipam, boolean enableIPv6,
                            boolean internal, boolean enableIPv4) {
    public NetworkCreate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(driver, "driver");
        options = Map.copyOf(options);
        ipamOptions = Map.copyOf(ipamOptions);
        ipam = List.copyOf(ipam);
    }

    /** A network with IPv4 enabled (Docker's default). */
    public NetworkCreate(String name, String driver, Map<String, String> options, String ipamDriver,
                         Map<String, String> ipamOptions, List<DockerNetwork.IpamConfig> ipam, boolean enableIPv6,
                         boolean internal) {
        this(name, driver, options, ipamDriver, ipamOptions, ipam, enableIPv6, internal, true);
    }
}
