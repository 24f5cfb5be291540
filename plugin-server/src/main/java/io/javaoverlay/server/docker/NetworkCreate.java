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
 */
public record NetworkCreate(String name, String driver, Map<String, String> options, String ipamDriver,
                            Map<String, String> ipamOptions, List<DockerNetwork.IpamConfig> ipam, boolean enableIPv6,
                            boolean internal) {
    public NetworkCreate {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(driver, "driver");
        options = Map.copyOf(options);
        ipamOptions = Map.copyOf(ipamOptions);
        ipam = List.copyOf(ipam);
    }
}
