package io.javaoverlay.server.status;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.server.cluster.ClusterWiring;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.VxlanNetworkService;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.util.Optional;

/**
 * Builds the admin interface's view of freshly wired services (the cluster package's parts behind
 * the source interfaces) and hooks the pass listeners into the reconcilers and the membership into
 * the metrics. Called by the wiring each time it builds the store-dependent services.
 */
public final class AdminWiring {

    private AdminWiring() {
    }

    /** Attaches {@code overlay}, {@code ipam} (on {@code store}) and the {@code cluster}'s parts to {@code ctx}. */
    public static void attach(AdminContext ctx, KvStore store, VxlanNetworkService overlay, IpamService ipam,
                              String hostId, IpAddress vtep, ClusterWiring.Cluster cluster) {
        overlay.reconcilers().addPassListener(ctx.passes());
        overlay.reconcilers().addPassListener(ctx.reconcileMetrics());
        cluster.membership().addListener(MembershipHosts.metricsListener(ctx.metrics()));
        ctx.attach(new AdminContext.Live(store, new OverlayStore(store), cluster.identity(), ipam, hostId, vtep,
                Optional.of(overlay.config().underlay()), Optional.of(overlay.config().maxContainerMtu()),
                new MembershipHosts(cluster.membership()), new ReconcilerDrift(overlay.reconcilers()),
                new DockerViewNames(cluster.docker()), new CollectorForgetter(cluster.collector())));
        cluster.names().ifPresent(sync -> ctx.names(() -> {
            var counts = sync.counts();
            var dns = cluster.dns();
            var stats = dns.map(d -> d.stats());
            boolean registering = ctx.config().serviceRegistration();
            return new StatusModel.Names(dns.isPresent() ? counts.localNames() : null,
                    dns.map(d -> d.table().size()).orElse(null), dns.map(d -> d.serving()).orElse(null),
                    stats.map(x -> x.received.get()).orElse(null), stats.map(x -> x.answered.get()).orElse(null),
                    stats.map(x -> x.forwarded.get()).orElse(null), stats.map(x -> x.rateLimited.get()).orElse(null),
                    stats.map(x -> x.dropped.get() + x.queueFull.get()).orElse(null),
                    registering ? counts.services() : null);
        }));
    }
}
