package io.javaoverlay.server.resource;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.server.cluster.ClusterService;

/**
 * The store-dependent services, as the resources reach them: the IPAM service and the cluster's
 * edge ({@link ClusterService}: networks and endpoints by Docker's IDs, and the guarded ReleaseAddress). One concept with three shapes: this view; {@code RunningServices}, the started pair
 * (built by its {@code Factory}, the daemon's wiring); and {@code ServicesGate}, which hands out the
 * running ones or, while the store is still connecting (the daemon answers the registration calls
 * first), throws {@link ServiceUnavailableException} naming what is still missing.
 */
public interface Services {

    /** @throws ServiceUnavailableException while the IPAM service is not started */
    IpamService ipam();

    /** @throws ServiceUnavailableException while the cluster service is not started */
    ClusterService cluster();

    /** Fixed services, for tests and for a daemon whose services start synchronously. */
    static Services of(IpamService ipam, ClusterService cluster) {
        return new Services() {
            @Override
            public IpamService ipam() {
                return ipam;
            }

            @Override
            public ClusterService cluster() {
                return cluster;
            }
        };
    }
}
