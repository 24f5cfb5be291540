package io.javaoverlay.server.cluster;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.kvstore.CasRetry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.server.cluster.ClusterKeys.NetworkAlias;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;
import io.javaoverlay.vxlan.state.EndpointRecord;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Garbage collection of dead hosts (design-core §5). A host's peers are withdrawn the moment
 * {@link Membership} judges it DEAD; its records stay, so that a host that comes back finds them.
 * Once a host has been DEAD without a break for the retention ({@code --dead-host-retention}), the
 * ALIVE host with the lowest host ID collects it: its endpoint records and their index keys (every
 * other host drops its peers through the store watch), its address claims, its pool holders (a pool
 * whose last holder goes is deleted), its network aliases (a cluster network whose last alias goes is
 * deleted with it, and {@code docker network rm} stops waiting for it), its {@code hosts/} record, and
 * whatever the {@link Hook}s remove (registered services). Every step is an idempotent
 * compare-and-set or delete, so two collectors at once, or a repeat after a crash, are harmless.
 *
 * <p>{@link #forget} is the operator's {@code javaoverlay host forget}: the same collection at once,
 * refused for this host and for hosts that are not DEAD.
 *
 * <p>Each pass also tells the membership which hosts own endpoint records ({@link MembershipView#noteOwners}),
 * so a host with records but no {@code hosts/} record (a wiped {@code hosts/}, a host of an older
 * release) is judged too. Passes run every {@code period} on the thread {@code jo-dead-hosts}, on every
 * host; only the lowest ALIVE one collects, and nothing is collected while this host cannot read
 * {@code hosts/} (an unreachable store is not every host dying).
 */
public final class DeadHostCollector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DeadHostCollector.class.getName());

    /** More clean-up of a collected host (e.g. its registered services); must be idempotent. */
    @FunctionalInterface
    public interface Hook {
        void hostCollected(String hostId) throws Exception;
    }

    /**
     * What collecting one host removed.
     *
     * @param endpoints         endpoint records deleted
     * @param addressesReleased address claims released
     * @param holdersRemoved    pool holders removed
     * @param poolsDeleted      pools deleted with their last holder
     * @param aliases           network aliases removed
     * @param networksDeleted   cluster networks deleted with their last alias
     * @param registration      whether its {@code hosts/} record existed
     */
    public record Collected(String hostId, int endpoints, int addressesReleased, int holdersRemoved,
                            List<IpPrefix> poolsDeleted, int aliases, List<String> networksDeleted, boolean registration) {
        public Collected {
            poolsDeleted = List.copyOf(poolsDeleted);
            networksDeleted = List.copyOf(networksDeleted);
        }
    }

    private final String selfId;
    private final MembershipView membership;
    private final OverlayRecords overlay;
    private final IpamService ipam;
    private final NetworkIdentity identity;
    private final KvStore kv;
    private final CasRetry cas;
    private final Duration retention;
    private final Duration period;
    private final List<Hook> hooks = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService thread;
    private final Reports reports = new Reports(LOG);

    /**
     * @param selfId     this host
     * @param membership the host listing
     * @param overlay    the overlay's records
     * @param ipam       the IPAM
     * @param identity   the network aliases
     * @param kv         the store (for {@code hosts/})
     * @param retention  how long a host stays DEAD before it is collected
     * @param period     how often to look
     */
    public DeadHostCollector(String selfId, MembershipView membership, OverlayRecords overlay, IpamService ipam,
                             NetworkIdentity identity, KvStore kv, Duration retention, Duration period) {
        this.selfId = Objects.requireNonNull(selfId, "selfId");
        this.membership = Objects.requireNonNull(membership, "membership");
        this.overlay = Objects.requireNonNull(overlay, "overlay");
        this.ipam = Objects.requireNonNull(ipam, "ipam");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.kv = Objects.requireNonNull(kv, "kv");
        this.cas = new CasRetry(kv, 1, Duration.ZERO);
        this.retention = Objects.requireNonNull(retention, "retention");
        this.period = Objects.requireNonNull(period, "period");
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jo-dead-hosts");
            t.setDaemon(true);
            return t;
        });
    }

    /** Adds a clean-up step for collected hosts. */
    public void addHook(Hook hook) {
        hooks.add(Objects.requireNonNull(hook, "hook"));
    }

    /** Starts the periodic pass; returns at once. */
    public void start() {
        thread.scheduleWithFixedDelay(this::runPass, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks for a pass now (membership changed); any thread, never blocks. */
    public void trigger() {
        try {
            thread.execute(this::runPass);
        } catch (RejectedExecutionException stopping) {
            // closed
        }
    }

    private void runPass() {
        try {
            List<Collected> done = pass();
            reports.clear("pass");
            done.forEach(c -> LOG.log(Level.INFO, "collected host " + c.hostId() + ", DEAD for more than "
                    + retention.toSeconds() + " s: " + describe(c)));
        } catch (OverlayException e) {
            reports.report("pass", Level.WARNING, "dead-host collection stopped (retrying every " + period.toSeconds()
                    + " s): " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "dead-host collection failed unexpectedly; retrying", e);
        }
    }

    /** One pass: tells the membership the owners, then collects, if this host is the collector. Package-private for tests. */
    List<Collected> pass() {
        List<EndpointRecord> all = overlay.allEndpoints();
        Map<String, Optional<IpAddress>> owners = new TreeMap<>();
        for (EndpointRecord r : all) {
            owners.putIfAbsent(r.hostId(), Optional.of(r.vtep()));
        }
        membership.noteOwners(owners);
        if (!membership.isJudging()) {
            return List.of();
        }
        Map<String, HostView> hosts = membership.snapshot();
        if (!isCollector(hosts)) {
            return List.of();
        }
        List<Collected> out = new ArrayList<>();
        for (HostView h : hosts.values()) {
            if (h.state() != Liveness.DEAD || h.hostId().equals(selfId)) {
                continue;
            }
            Optional<Duration> dead = membership.deadFor(h.hostId());
            if (dead.isPresent() && dead.get().compareTo(retention) >= 0) {
                out.add(collect(h.hostId()));
            }
        }
        return out;
    }

    /** True when this host is the ALIVE host with the lowest ID. */
    private boolean isCollector(Map<String, HostView> hosts) {
        HostView me = hosts.get(selfId);
        if (me == null || me.state() != Liveness.ALIVE) {
            return false;
        }
        return hosts.values().stream().filter(v -> v.state() == Liveness.ALIVE)
                .noneMatch(v -> v.hostId().compareTo(selfId) < 0);
    }

    /** Hosts forgotten on request, with the start of the DEAD episode that was collected. */
    private final Map<String, Instant> forgottenEpisodes = new ConcurrentHashMap<>();

    /**
     * The operator's {@code javaoverlay host forget ID}: collects a DEAD host now.
     *
     * @throws OverlayException INVALID_REQUEST (not a host ID), CONFLICT (this host, or a host that is
     *                          not DEAD), NOT_FOUND (unknown host), UNAVAILABLE (liveness cannot be told now)
     */
    public Collected forget(String hostId) {
        if (!ClusterKeys.isValidHostId(hostId)) {
            throw new OverlayException(Kind.INVALID_REQUEST, "'" + hostId + "' is not a host ID");
        }
        if (hostId.equals(selfId)) {
            throw new OverlayException(Kind.CONFLICT, "refusing to forget " + hostId
                    + ": it is this host (run the command on another host)");
        }
        if (!membership.isJudging()) {
            throw new OverlayException(Kind.UNAVAILABLE, "cannot tell whether host " + hostId
                    + " is alive: this host cannot read the host list in the store now");
        }
        Map<String, HostView> hosts = membership.snapshot();
        HostView h = hosts.get(hostId);
        forgottenEpisodes.keySet().retainAll(hosts.keySet());
        if (h == null) {
            throw new OverlayException(Kind.NOT_FOUND, "host " + hostId
                    + " is not known: no heartbeat record and no endpoint record names it");
        }
        Instant collectedEpisode = forgottenEpisodes.get(hostId);
        if (h.state() == Liveness.DEAD && collectedEpisode != null
                && Duration.between(collectedEpisode, h.since()).abs().compareTo(Duration.ofSeconds(1)) < 0) {
            // (since is derived from a monotonic clock for each snapshot: equal within a hair, not exactly)
            // Collected already; the membership drops it at its next look (an operator's quick repeat).
            throw new OverlayException(Kind.NOT_FOUND, "host " + hostId
                    + " is not known: it was forgotten already (no heartbeat record and no endpoint record names it)");
        }
        if (h.state() != Liveness.DEAD) {
            throw new OverlayException(Kind.CONFLICT, "refusing to forget host " + hostId + ": it is "
                    + h.state().name().toLowerCase(java.util.Locale.ROOT) + " (since " + h.since() + ")"
                    + (h.state() == Liveness.SILENT ? "; its machine answers, only its plugin or store path is down" : "")
                    + "; stop javaoverlay there, or wait until it is dead");
        }
        Collected c = collect(hostId);
        forgottenEpisodes.put(hostId, h.since());
        LOG.log(Level.INFO, "forgot host " + hostId + " on the operator's request: " + describe(c));
        return c;
    }

    /** Removes everything of {@code hostId}, step by step; a repeat finishes a partial run. */
    Collected collect(String hostId) {
        // 1. Its endpoint records: peers everywhere withdraw through the store watch.
        Set<IpAddress> keep = new HashSet<>();
        int endpoints = 0;
        for (EndpointRecord r : overlay.allEndpoints()) {
            if (r.hostId().equals(hostId)) {
                overlay.deleteStaleEndpoint(r);
                endpoints++;
            } else {
                r.ipv4Prefix().ifPresent(p -> keep.add(p.address()));
                r.ipv6Prefix().ifPresent(p -> keep.add(p.address()));
            }
        }
        // 2. Its address claims and pool holders (a pool whose last holder goes is deleted).
        IpamService.HostCleanup ipamDone = ipam.forgetHost(hostId, keep);
        // 3. Its aliases; a cluster network whose last alias goes is deleted with it.
        int aliases = 0;
        List<String> networks = new ArrayList<>();
        for (NetworkAlias a : identity.aliases()) {
            if (!a.hostId().equals(hostId)) {
                continue;
            }
            Optional<NetworkIdentity.Left> left = identity.leave(hostId, a.networkId());
            if (left.isPresent()) {
                aliases++;
                if (left.get().networkDeleted()) {
                    networks.add(left.get().clusterId());
                }
            }
        }
        // 4. Its heartbeat record.
        String key = ClusterKeys.host(hostId);
        boolean registered = cas.once("delete the record of host " + hostId, () -> {
            boolean there = kv.get(key).isPresent();
            kv.delete(key);
            return there;
        });
        // 5. The rest (registered services).
        for (Hook h : hooks) {
            try {
                h.hostCollected(hostId);
            } catch (Exception e) {
                LOG.log(Level.WARNING, "collecting host " + hostId + ": " + h + " failed: " + e.getMessage()
                        + " (retried when the host is collected again)");
            }
        }
        return new Collected(hostId, endpoints, ipamDone.addressesReleased(), ipamDone.holdersRemoved(),
                ipamDone.poolsDeleted(), aliases, networks, registered);
    }

    private static String describe(Collected c) {
        return c.endpoints() + " endpoint record(s), " + c.addressesReleased() + " address(es), " + c.holdersRemoved()
                + " pool holder(s) (pools deleted: " + c.poolsDeleted() + "), " + c.aliases() + " network alias(es)"
                + " (networks deleted: " + c.networksDeleted() + ")" + (c.registration() ? ", its heartbeat record" : "");
    }

    /** Stops the thread. */
    @Override
    public void close() {
        thread.shutdownNow();
    }
}
