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
 */
public record DockerNetwork(String id, String name, String driver, Map<String, String> options, String ipamDriver,
                            Map<String, String> ipamOptions, List<IpamConfig> ipam, boolean enableIPv6,
                            boolean internal, int containers) {
    public DockerNetwork {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        options = Map.copyOf(options);
        ipamOptions = Map.copyOf(ipamOptions);
        ipam = List.copyOf(ipam);
    }

    /** One {@code IPAM.Config} element; null fields were not set. */
    public record IpamConfig(String subnet, String ipRange, String gateway) {
        public IpamConfig {
            Objects.requireNonNull(subnet, "subnet");
        }
    }
}
