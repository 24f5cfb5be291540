package io.javaoverlay.server.resource;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.vxlan.NetworkService;

/**
 * How resources reach the store-dependent services. They may not exist yet (the daemon answers
 * the registration calls before the store is reachable), so each accessor either returns the
 * running service or throws {@link ServiceUnavailableException} naming what is still missing.
 */
public interface Backends {

    /** @throws ServiceUnavailableException while the IPAM service is not started */
    IpamService ipam();

    /** @throws ServiceUnavailableException while the network service is not started */
    NetworkService network();

    /** Fixed services, for tests and for a daemon whose services start synchronously. */
    static Backends of(IpamService ipam, NetworkService network) {
        return new Backends() {
            @Override
            public IpamService ipam() {
                return ipam;
            }

            @Override
            public NetworkService network() {
                return network;
            }
        };
    }
}
