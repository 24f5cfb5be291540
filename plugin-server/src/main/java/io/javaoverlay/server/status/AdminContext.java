package io.javaoverlay.server.status;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.server.DaemonConfig;
import io.javaoverlay.server.cluster.NetworkIdentity;
import io.javaoverlay.server.metrics.Metrics;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.OverlayException.Kind;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.Underlay;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the admin interface reads, in one place: the static part (configuration, start time,
 * metrics, recent errors, reconcile passes) from the start, and the {@link Live} services once the
 * store-dependent half of the daemon is built (the wiring attaches them). Until then every
 * store-dependent answer is "not ready".
 */
public final class AdminContext {
    private final DaemonConfig config;
    private final Instant startedAt;
    private final String version;
    private final Metrics metrics;
    private final RecentErrors errors;
    private final PassTracker passes = new PassTracker();
    private final io.javaoverlay.vxlan.reconcile.PassListener reconcileMetrics;
    private volatile Supplier<String> services = () -> "starting";
    private volatile Startup startup = Startup.NONE;
    private volatile Supplier<StatusModel.Names> names = () -> null;
    private volatile Live live;

    /**
     * The store-dependent services, as built by the wiring. Sources are interfaces so that the
     * membership component, the Docker view and a new overlay service can replace today's ones.
     */
    public record Live(KvStore store, OverlayStore overlay, NetworkIdentity identity, IpamService ipam, String hostId,
                       IpAddress vtep, Optional<Underlay> underlay, Optional<Integer> containerMtu,
                       HostsSource hosts, DriftSource drift, DockerNames docker, HostForgetter forgetter) {
        public Live {
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(overlay, "overlay");
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(ipam, "ipam");
            Objects.requireNonNull(hostId, "hostId");
            Objects.requireNonNull(vtep, "vtep");
            Objects.requireNonNull(hosts, "hosts");
            Objects.requireNonNull(drift, "drift");
            Objects.requireNonNull(docker, "docker");
            Objects.requireNonNull(forgetter, "forgetter");
        }
    }

    /** The context of a daemon started now. */
    public AdminContext(DaemonConfig config, String version, Metrics metrics, RecentErrors errors) {
        this.config = Objects.requireNonNull(config, "config");
        this.version = Objects.requireNonNull(version, "version");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.startedAt = ProcessHandle.current().info().startInstant().orElse(Instant.now());
        this.reconcileMetrics = new io.javaoverlay.server.metrics.ReconcileMetrics(metrics);
    }

    /** The pass listener that feeds the reconcile metrics (one for the daemon's life). */
    public io.javaoverlay.vxlan.reconcile.PassListener reconcileMetrics() {
        return reconcileMetrics;
    }

    /** The daemon's configuration. */
    public DaemonConfig config() {
        return config;
    }

    /** The running version. */
    public String version() {
        return version;
    }

    /** When the process started. */
    public Instant startedAt() {
        return startedAt;
    }

    /** The metrics registry. */
    public Metrics metrics() {
        return metrics;
    }

    /** Recent WARNING/ERROR lines. */
    public RecentErrors errors() {
        return errors;
    }

    /** The last reconcile pass per network (a pass listener to register with the reconcilers). */
    public PassTracker passes() {
        return passes;
    }

    /** Where the daemon's start-up status comes from ("ready", or what it waits for). */
    public void services(Supplier<String> status) {
        services = Objects.requireNonNull(status, "status");
    }

    /**
     * The daemon's first start attempt, as the admin answers see it: while it runs, "not connected"
     * means "not yet", and an answer waits a little for it to end.
     */
    public interface Startup {
        /** Nothing is starting (tests, and contexts without a daemon). */
        Startup NONE = new Startup() {
            @Override
            public boolean starting() {
                return false;
            }

            @Override
            public boolean awaitFirstAttempt(Duration max) {
                return true;
            }
        };

        /** True while the first start attempt runs. */
        boolean starting();

        /** Waits up to {@code max} while the first start attempt runs; true once it has ended. */
        boolean awaitFirstAttempt(Duration max) throws InterruptedException;
    }

    /** How long an admin answer waits for the first start attempt: a command typed the instant the socket appeared. */
    public static final Duration START_WAIT = Duration.ofSeconds(5);

    /** Where the first start attempt is followed. */
    public void startup(Startup s) {
        startup = Objects.requireNonNull(s, "s");
    }

    /** True while the daemon's first start attempt runs. */
    public boolean starting() {
        return startup.starting();
    }

    /** Waits up to {@link #START_WAIT} while the first start attempt runs (no wait once it has ended). */
    public void awaitStarted() {
        try {
            startup.awaitFirstAttempt(START_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The start-up status. */
    public String services() {
        try {
            return services.get();
        } catch (RuntimeException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Where the names section of the status comes from (set when DNS or service registration is on). */
    public void names(Supplier<StatusModel.Names> source) {
        names = Objects.requireNonNull(source, "source");
    }

    /** The names section, or null when both features are off. */
    public StatusModel.Names names() {
        try {
            return names.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Makes the store-dependent services visible (called by the wiring, again after a rebuild). */
    public void attach(Live services) {
        synchronized (this) {
            live = Objects.requireNonNull(services, "services");
        }
    }

    /**
     * Withdraws {@code services} after the daemon closed them (a start attempt that failed and will be
     * retried): {@code status} then reports what the daemon waits for, not the errors of a closed
     * store client. A later {@link #attach} is kept.
     */
    public void detach(Live services) {
        synchronized (this) {
            if (live == services) {
                live = null;
            }
        }
    }

    /** The services, if built. */
    public Optional<Live> live() {
        return Optional.ofNullable(live);
    }

    /** The services, or a 503 naming what the daemon still waits for. */
    public Live requireLive() {
        awaitStarted();
        Live l = live;
        if (l == null || !"ready".equals(services())) {
            throw new OverlayException(Kind.UNAVAILABLE, "javaoverlay is not ready to answer this: " + services());
        }
        return l;
    }
}
