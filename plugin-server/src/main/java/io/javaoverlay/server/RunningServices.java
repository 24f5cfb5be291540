package io.javaoverlay.server;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.server.resource.Services;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.server.cluster.ClusterService;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;

/**
 * The {@link Services} once they run: the store-dependent half of the daemon, built by a
 * {@link Factory} when the store is reachable and handed to the resources through the
 * {@link ServicesGate}.
 *
 * @param ipam      the IPAM service
 * @param cluster   the cluster service (not yet started): the overlay and the cluster's background parts
 * @param resources closed after the cluster service, in reverse order (e.g. the KvStore)
 */
public record RunningServices(IpamService ipam, ClusterService cluster, List<AutoCloseable> resources)
        implements Services, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RunningServices.class.getName());

    public RunningServices {
        Objects.requireNonNull(ipam, "ipam");
        Objects.requireNonNull(cluster, "cluster");
        resources = List.copyOf(resources);
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing the cluster service failed: " + e);
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing " + resources.get(i) + " failed: " + e);
            }
        }
    }

    /** The seam between the daemon and the concrete kvstore/ipam/vxlan implementations ({@link Wiring}). */
    @FunctionalInterface
    public interface Factory {

        /**
         * Connects to the store and builds the services. Called repeatedly (with back-off) until it
         * succeeds, unless it throws {@link NotWiredException}.
         *
         * @param vtep this host's resolved advertise address
         * @throws Exception on any failure; the message becomes the daemon's status line
         */
        RunningServices open(DaemonConfig config, IpAddress vtep) throws Exception;
    }

    /** A permanent failure of the {@link Factory}: retrying cannot help (for example, no implementation is wired in). */
    public static final class NotWiredException extends Exception {
        private static final long serialVersionUID = 1L;

        /** @param message why no implementation is available */
        public NotWiredException(String message) {
            super(message);
        }
    }
}
