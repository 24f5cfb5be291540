package io.javaoverlay.server.status;

import io.javaoverlay.ipam.KvIpamService;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.server.DaemonConfig;
import io.javaoverlay.server.docker.DockerClient;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.VxlanNetworkService;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.util.Optional;

/**
 * Builds the admin interface's view of freshly wired services (today's implementations of the
 * source interfaces) and hooks the pass listeners into the reconcilers. Called by the wiring each
 * time it builds the store-dependent services.
 */
public final class AdminWiring {
    /** javaoverlay's driver name in Docker. */
    public static final String DRIVER = "javaoverlay";

    private AdminWiring() {
    }

    /**
     * Attaches {@code overlay} and {@code ipam} (on {@code store}) to {@code ctx}.
     *
     * @param registrations true when hosts keep {@code hosts/} registrations in this mode
     */
    public static void attach(AdminContext ctx, KvStore store, VxlanNetworkService overlay, KvIpamService ipam,
                              DaemonConfig config, String hostId, IpAddress vtep, boolean registrations) {
        overlay.reconcilers().addPassListener(ctx.passes());
        overlay.reconcilers().addPassListener(ctx.reconcileMetrics());
        OverlayStore records = new OverlayStore(store);
        HostsSource hosts = new StoreHosts(store, hostId, vtep.toString(), ctx.startedAt(), registrations);
        ctx.attach(new AdminContext.Live(store, records, ipam, hostId, vtep,
                Optional.of(overlay.config().underlay()), Optional.of(overlay.config().maxContainerMtu()), hosts,
                new ReconcilerDrift(overlay.reconcilers()),
                new LocalDocker(DockerClient.socketFor(config.dockerHost()), DRIVER),
                new StoreHostForgetter(store, records, ipam, hosts, hostId)));
    }
}
