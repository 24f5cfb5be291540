package io.javaoverlay.server.docker;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A network of the view's driver on this host, with its local endpoints only.
 *
 * @param id          Docker's network ID
 * @param name        its name
 * @param driver      its driver
 * @param scope       {@code local}, {@code global} (Docker 20.10 with a cluster store) or {@code swarm}
 * @param options     driver options
 * @param ipamDriver  IPAM driver
 * @param ipamOptions IPAM options
 * @param ipam        pools (subnet, ip-range, gateway)
 * @param enableIPv6  {@code --ipv6}
 * @param internal    {@code --internal}
 * @param endpoints   local endpoints by endpoint ID (Docker 20.10's remote {@code ep-<id>} entries excluded)
 */
public record LocalNetwork(String id, String name, String driver, String scope, Map<String, String> options,
                           String ipamDriver, Map<String, String> ipamOptions, List<DockerNetwork.IpamConfig> ipam,
                           boolean enableIPv6, boolean internal, Map<String, LocalEndpoint> endpoints) {
    public LocalNetwork {
        Objects.requireNonNull(id, "id");
        name = name == null ? "" : name;
        options = Map.copyOf(options);
        ipamOptions = Map.copyOf(ipamOptions);
        ipam = List.copyOf(ipam);
        endpoints = Map.copyOf(endpoints);
    }

    /** This network with other endpoints. */
    LocalNetwork withEndpoints(Map<String, LocalEndpoint> eps) {
        return new LocalNetwork(id, name, driver, scope, options, ipamDriver, ipamOptions, ipam, enableIPv6, internal, eps);
    }
}
