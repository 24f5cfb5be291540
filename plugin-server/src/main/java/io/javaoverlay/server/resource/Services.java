package io.javaoverlay.server.resource;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.vxlan.cluster.LegacyNetworkDriver;

/**
 * The store-dependent services, as the resources reach them: the IPAM service and the network
 * service. One concept with three shapes: this view; {@code RunningServices}, the started pair
 * (built by its {@code Factory}, the daemon's wiring); and {@code ServicesGate}, which hands out the
 * running ones or, while the store is still connecting (the daemon answers the registration calls
 * first), throws {@link ServiceUnavailableException} naming what is still missing.
 */
public interface Services {

    /** @throws ServiceUnavailableException while the IPAM service is not started */
    IpamService ipam();

    /** @throws ServiceUnavailableException while the network service is not started */
    LegacyNetworkDriver network();

    /** Fixed services, for tests and for a daemon whose services start synchronously. */
    static Services of(IpamService ipam, LegacyNetworkDriver network) {
        return new Services() {
            @Override
            public IpamService ipam() {
                return ipam;
            }

            @Override
            public LegacyNetworkDriver network() {
                return network;
            }
        };
    }
}
