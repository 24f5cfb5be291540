package io.javaoverlay.server.cluster;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.ipam.IpamService.AddressClaim;
import io.javaoverlay.ipam.IpamService.PoolInfo;
import io.javaoverlay.server.docker.DockerView;
import io.javaoverlay.server.docker.LocalEndpoint;
import io.javaoverlay.server.docker.LocalNetwork;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * This host's records against what its Docker really has (design-core §3): the repair for every
 * DeleteEndpoint, ReleaseAddress, RequestAddress or RequestPool that was lost, repeated or cut short
 * (plugin down, store down, kill -9 in a call: Docker retries a call cut by a reset with an empty
 * body, which is answered 400, and then gives up on it).
 *
 * <p>Input: the {@link DockerView} (this host's networks of our driver and their local endpoints) and
 * the store (this host's endpoint records, address claims and pool holders). Nothing is judged while
 * the Docker view is incomplete, nor while Docker shows no network of our driver at all although this
 * host owns records (a wrong {@code --driver-name} would otherwise look like "every container gone").
 * Rules (G = {@code --endpoint-grace}):
 * <ol>
 *   <li><b>Stale endpoint.</b> A record of this host whose endpoint Docker does not show, older than G
 *       (CreateEndpoint precedes the attach Docker shows), is deleted as DeleteEndpoint deletes it
 *       (veth, record, index keys) and its addresses are released.</li>
 *   <li><b>Missing record.</b> An endpoint Docker shows, of a running container, with no record, is
 *       republished from Docker's view if its network record exists (after it was seen missing twice,
 *       {@link #SETTLE} apart: a DeleteEndpoint in progress is not a lost record), and its address
 *       claim is made again if missing. A claim or index owned by someone else is a loud ERROR.</li>
 *   <li><b>Leaked address.</b> A claim of this host, kind address, older than G, in a pool of a
 *       javaoverlay network this host has, that no endpoint record's index holds and that is neither
 *       the gateway nor an aux address, is released.</li>
 *   <li><b>Pool holders</b> (scope local). This host's holders of a javaoverlay network's pool must be
 *       as many as its Docker networks on that pool: extra ones older than G are removed (the last
 *       deletes the pool), a missing one is added back (after the same settling as rule 2). Before a
 *       removal it asks Docker ({@link NetworkLookup}) about this host's networks on that pool that the
 *       view does not list: one Docker still has (a wrong {@code --driver-name}) keeps the holder.</li>
 *   <li><b>Tombstones</b> of half-deleted pools are swept.</li>
 *   <li><b>Gone network</b> (scope local without replication, when given {@link GoneNetworks}). An
 *       alias of this host whose Docker network the view lacks and Docker answers 404 for is
 *       forgotten (with the last alias the network record), once rule 4 has removed this host's
 *       extra holders of its pools (so no holder is left on a pool no record names).</li>
 * </ol>
 * It also notices when the store has lost what it knew (a wipe, a wrong prefix): Docker has
 * javaoverlay networks with containers of which the store has no alias or no network record. That
 * is logged once as an ERROR naming the store, and nothing is judged for those networks.
 *
 * <p><b>Thread.</b> Passes run on the thread {@code jo-endpoints}: at start, when the Docker view
 * changes ({@link #trigger()}), and every {@code resync}; never in a plugin handler. Passes are at
 * least {@link #MIN_GAP} apart, so a burst of Docker events costs one pass.
 */
public final class EndpointReconciler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EndpointReconciler.class.getName());
    /** A missing record or holder must be seen missing this long before it is re-added. */
    static final Duration SETTLE = Duration.ofSeconds(3);
    static final Duration MIN_GAP = Duration.ofSeconds(1);

    /**
     * Settings.
     *
     * @param grace       G: records and claims younger than this are never judged
     * @param resync      period of the safety-net pass
     * @param poolHolders reconcile pool holders (rule 4): scope local only
     */
    public record Settings(Duration grace, Duration resync, boolean poolHolders) {
        public Settings {
            Objects.requireNonNull(grace, "grace");
            Objects.requireNonNull(resync, "resync");
        }
    }

    /** What one pass did (for tests and the log). */
    public record Report(String skipped, List<String> staleDeleted, List<String> republished, List<String> released,
                         List<String> holdersRemoved, List<String> holdersAdded, int tombstones,
                         List<String> networksForgotten) {
        static Report skipped(String why) {
            return new Report(why, List.of(), List.of(), List.of(), List.of(), List.of(), 0, List.of());
        }

        /** True when nothing was repaired. */
        public boolean quiet() {
            return staleDeleted.isEmpty() && republished.isEmpty() && released.isEmpty() && holdersRemoved.isEmpty()
                    && holdersAdded.isEmpty() && tombstones == 0 && networksForgotten.isEmpty();
        }
    }

    /**
     * Docker's answer for one network ID: the driver Docker shows for it, or empty when Docker answers
     * 404. Rule 4 asks before removing a holder of a pool whose network the view does not list: a
     * network Docker still has (say under another driver name than {@code --driver-name}) keeps it.
     */
    @FunctionalInterface
    public interface NetworkLookup {
        Optional<String> driverOf(String dockerNetworkId) throws java.io.IOException;
    }

    private final NetworkLookup lookup;
    private final String hostId;
    private final IpAddress vtep;
    private final Supplier<DockerView.Snapshot> docker;
    private final OverlayRecords overlay;
    private final IpamService ipam;
    private final NetworkIdentity identity;
    private final Settings settings;
    private final Clock clock;
    private final String storeName;
    /** Rule 6, or null (off). */
    private final GoneNetworks gone;
    private final ScheduledExecutorService thread;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final Reports reports = new Reports(LOG);
    /** Candidates for rule 2 and the missing half of rule 4: first seen missing (wall ms). */
    private final Map<String, Long> missingSince = new HashMap<>();
    private volatile long lastStart = Long.MIN_VALUE / 2;
    private volatile boolean closed;

    /**
     * @param hostId    this host
     * @param vtep      this host's VTEP (written into republished records)
     * @param docker    the current Docker view
     * @param overlay   the overlay's records
     * @param ipam      the IPAM
     * @param identity  Docker network ID → cluster network ID
     * @param settings  grace, resync, pool holders on/off
     * @param clock     wall clock (records carry epoch ms of the owning host, which is this one)
     * @param storeName the store, for messages
     * @param gone      rule 6 (gone networks), or null when off (scope global, or the replicator does it)
     */
    public EndpointReconciler(String hostId, IpAddress vtep, Supplier<DockerView.Snapshot> docker, OverlayRecords overlay,
                              IpamService ipam, NetworkIdentity identity, Settings settings, Clock clock, String storeName,
                              GoneNetworks gone) {
        this(hostId, vtep, docker, overlay, ipam, identity, settings, clock, storeName, gone, null);
    }

    /**
     * As above, with {@code lookup}: how rule 4 asks Docker about a network of this host that the view
     * does not list, before it removes a holder of its pool (null: it does not ask).
     */
    public EndpointReconciler(String hostId, IpAddress vtep, Supplier<DockerView.Snapshot> docker, OverlayRecords overlay,
                              IpamService ipam, NetworkIdentity identity, Settings settings, Clock clock, String storeName,
                              GoneNetworks gone, NetworkLookup lookup) {
        this.lookup = lookup;
        this.hostId = Objects.requireNonNull(hostId, "hostId");
        this.vtep = Objects.requireNonNull(vtep, "vtep");
        this.docker = Objects.requireNonNull(docker, "docker");
        this.overlay = Objects.requireNonNull(overlay, "overlay");
        this.ipam = Objects.requireNonNull(ipam, "ipam");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.storeName = Objects.requireNonNull(storeName, "storeName");
        this.gone = gone;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jo-endpoints");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the periodic pass (the first one now); returns at once. */
    public void start() {
        thread.scheduleWithFixedDelay(this::trigger, 0, settings.resync().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks for a pass soon (the Docker view changed); any thread, never blocks. */
    public void trigger() {
        if (closed || !queued.compareAndSet(false, true)) {
            return;
        }
        long wait = Math.max(0, lastStart + MIN_GAP.toNanos() - System.nanoTime());
        try {
            thread.schedule(() -> {
                queued.set(false);
                runPass();
            }, wait, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException stopping) {
            queued.set(false);
        }
    }

    private void runPass() {
        if (closed) {
            return;
        }
        lastStart = System.nanoTime();
        try {
            Report r = pass();
            if (!r.quiet()) {
                LOG.log(Level.INFO, "endpoint reconciliation against Docker: deleted stale records " + r.staleDeleted()
                        + ", republished " + r.republished() + ", released addresses " + r.released()
                        + ", removed pool holders " + r.holdersRemoved() + ", added pool holders " + r.holdersAdded()
                        + (r.tombstones() > 0 ? ", swept " + r.tombstones() + " pool tombstone(s)" : "")
                        + (r.networksForgotten().isEmpty() ? "" : ", forgot networks Docker no longer has "
                        + r.networksForgotten()));
            }
            reports.clear("pass");
            if (!missingSince.isEmpty()) {
                thread.schedule(this::trigger, SETTLE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (OverlayException | RejectedExecutionException e) {
            reports.report("pass", Level.WARNING, "endpoint reconciliation against Docker stopped (retrying every "
                    + settings.resync().toSeconds() + " s): " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "endpoint reconciliation failed unexpectedly; retrying at the next resync", e);
        }
    }

    /** One pass of every rule. Package-private for tests; runs on the caller's thread. */
    Report pass() {
        DockerView.Snapshot snap = docker.get();
        if (!snap.complete()) {
            return Report.skipped("the Docker view is incomplete");
        }
        long now = clock.millis();
        long grace = settings.grace().toMillis();
        // Docker's side: local endpoints by endpoint ID, and this host's networks by cluster ID.
        Map<String, DockerEndpoint> inDocker = new LinkedHashMap<>();
        Set<String> everyDockerEndpoint = new HashSet<>();
        Set<String> seenMissing = new HashSet<>();
        Set<String> lostNetworks = new TreeSet<>();
        Map<String, NetworkRecord> records = new HashMap<>();
        for (LocalNetwork n : snap.networks().values()) {
            everyDockerEndpoint.addAll(n.endpoints().keySet());
            // Uncached: a wiped store shows here. Without an alias the Docker ID is the cluster ID
            // (scope global, or a network recorded before aliases existed).
            String cid = identity.global() ? n.id() : identity.aliasOf(n.id()).orElse(n.id());
            Optional<NetworkRecord> rec = overlay.network(cid);
            if (rec.isEmpty()) {
                // Settled first: a network whose DeleteNetwork just ran is still in the view for a moment.
                String key = "lost/" + n.id();
                seenMissing.add(key);
                if (settled(key, now)) {
                    lostNetworks.add(n.name() + " (" + n.endpoints().size() + " container"
                            + (n.endpoints().size() == 1 ? "" : "s") + ")");
                }
                continue;
            }
            records.put(cid, rec.get());
            for (LocalEndpoint e : n.endpoints().values()) {
                inDocker.put(e.endpointId(), new DockerEndpoint(n, cid, e));
            }
        }
        reportStoreLoss(lostNetworks);

        List<EndpointRecord> mine = overlay.endpointsOfHost(hostId);
        Map<String, EndpointRecord> mineById = new HashMap<>();
        mine.forEach(r -> mineById.put(r.endpointId(), r));
        List<String> stale = new ArrayList<>();
        List<String> released = new ArrayList<>();
        // Rule 1. An empty view while this host owns records is not evidence (see the class comment).
        if (snap.networks().isEmpty() && !mine.isEmpty()) {
            reports.report("empty-view", Level.WARNING, "Docker shows no network of this driver, but " + mine.size()
                    + " endpoint record(s) of this host exist in " + storeName + "; they are left alone (if the driver"
                    + " name is wrong, fix --driver-name)");
        } else {
            reports.clear("empty-view");
            for (EndpointRecord r : mine) {
                if (everyDockerEndpoint.contains(r.endpointId()) || !older(r.createdAt(), now, grace)) {
                    continue;
                }
                Optional<NetworkRecord> net = Optional.ofNullable(records.get(r.networkId())).or(() -> overlay.network(r.networkId()));
                released.addAll(deleteEndpoint(r, net, overlay, ipam, hostId, now - grace));
                stale.add(r.endpointId());
                LOG.log(Level.INFO, "endpoint " + r.endpointId() + " of network " + r.networkId() + " is gone from Docker"
                        + " on " + hostId + " (a DeleteEndpoint or ReleaseAddress was lost): record deleted, addresses "
                        + addresses(r) + " released");
            }
        }

        // Rule 2.
        List<String> republished = new ArrayList<>();
        for (DockerEndpoint d : inDocker.values()) {
            if (mineById.containsKey(d.endpoint().endpointId())) {
                continue;
            }
            var c = snap.containers().get(d.endpoint().containerId());
            if (c == null || !c.running()) {
                continue; // being removed: its DeleteEndpoint is on its way
            }
            String key = "ep/" + d.endpoint().endpointId();
            seenMissing.add(key);
            if (!settled(key, now)) {
                continue;
            }
            republish(d, records.get(d.clusterId()), now).ifPresentOrElse(republished::add, () -> { });
        }

        // Rule 3.
        for (Map.Entry<String, NetworkRecord> e : records.entrySet()) {
            NetworkRecord net = e.getValue();
            Set<IpAddress> reserved = reserved(net);
            Set<IpAddress> usedHere = new HashSet<>();
            for (DockerEndpoint d : inDocker.values()) {
                if (d.clusterId().equals(e.getKey())) {
                    addressesOf(d.endpoint()).forEach(p -> usedHere.add(p.address()));
                }
            }
            for (NetworkRecord.Pool p : net.pools()) {
                for (AddressClaim c : ipam.claims(p.pool())) {
                    if (!c.host().equals(hostId) || c.gateway() || !older(c.since(), now, grace)
                            || reserved.contains(c.ip()) || usedHere.contains(c.ip())
                            || overlay.endpointHolding(e.getKey(), c.ip()).isPresent()) {
                        continue;
                    }
                    if (ipam.releaseClaim(p.pool(), c.ip(), hostId, c.since())) {
                        released.add(c.ip().toString());
                        LOG.log(Level.INFO, "address " + c.ip() + " of pool " + p.pool() + " was claimed by " + hostId
                                + " but no endpoint holds it (a repeated RequestAddress, or a lost ReleaseAddress): released");
                    }
                }
            }
        }

        // Rule 4.
        List<String> holdersRemoved = new ArrayList<>();
        List<String> holdersAdded = new ArrayList<>();
        if (settings.poolHolders()) {
            holders(snap, now, grace, seenMissing, holdersRemoved, holdersAdded);
        }
        missingSince.keySet().retainAll(seenMissing);

        // Rule 5.
        int tombstones = ipam.sweepTombstones();

        // Rule 6, after rule 4: a record's pools must have no extra holder of this host left, or the
        // holder would outlive the record (rule 4 looks only at pools a network record names).
        List<String> networksForgotten = List.of();
        if (gone != null) {
            // The pools are read only when an alias lacks its Docker network (rarely): not on every pass.
            Map<IpPrefix, Long> heldHere = new HashMap<>();
            Map<IpPrefix, Integer> usedByDocker = poolsUsed(snap);
            networksForgotten = gone.sweep(id -> !snap.networks().containsKey(id), rec -> {
                if (heldHere.isEmpty()) {
                    ipam.pools().forEach(pi -> heldHere.put(pi.pool(),
                            pi.holders().stream().filter(h -> h.host().equals(hostId)).count()));
                }
                return rec.pools().stream()
                        .allMatch(p -> heldHere.getOrDefault(p.pool(), 0L) <= usedByDocker.getOrDefault(p.pool(), 0));
            });
        }
        return new Report(null, stale, republished, released, holdersRemoved, holdersAdded, tombstones, networksForgotten);
    }

    private record DockerEndpoint(LocalNetwork network, String clusterId, LocalEndpoint endpoint) {}

    private Optional<String> republish(DockerEndpoint d, NetworkRecord net, long now) {
        LocalEndpoint e = d.endpoint();
        Optional<EndpointRecord> rec = fromDocker(d.clusterId(), d.network().id(), e, now);
        if (rec.isEmpty()) {
            reports.report("bad/" + e.endpointId(), Level.WARNING, "endpoint " + e.endpointId() + " of container "
                    + e.containerName() + " has no usable MAC or address in Docker's view (" + e.mac() + ", " + e.ipv4()
                    + ", " + e.ipv6() + "); it cannot be republished");
            return Optional.empty();
        }
        try {
            for (IpPrefix a : addresses(rec.get())) {
                Optional<IpPrefix> pool = poolOf(Optional.of(net), a.address());
                if (pool.isEmpty()) {
                    continue;
                }
                Optional<AddressClaim> claim = ipam.claim(pool.get(), a.address());
                if (claim.isPresent() && (!claim.get().host().equals(hostId) || claim.get().gateway())) {
                    reports.report("conflict/" + e.endpointId(), Level.ERROR, "endpoint " + e.endpointId() + " of container "
                            + e.containerName() + " on " + hostId + " uses " + a.address() + ", but the store " + storeName
                            + " gives that address to " + (claim.get().gateway() ? "the gateway" : "host " + claim.get().host())
                            + "; two containers may share it: remove one of them");
                    return Optional.empty();
                }
                if (claim.isEmpty()) {
                    ipam.reclaim(pool.get(), a.address(), hostId);
                }
            }
            overlay.republishEndpoint(rec.get());
        } catch (OverlayException x) {
            if (x.kind() != OverlayException.Kind.CONFLICT) {
                throw x;
            }
            reports.report("conflict/" + e.endpointId(), Level.ERROR, "endpoint " + e.endpointId() + " of container "
                    + e.containerName() + " on " + hostId + " cannot be republished: " + x.getMessage());
            return Optional.empty();
        }
        missingSince.remove("ep/" + e.endpointId());
        LOG.log(Level.INFO, "endpoint " + e.endpointId() + " of container " + e.containerName() + " runs on " + hostId
                + " but had no record in " + storeName + ": republished from Docker's view (" + addresses(rec.get()) + ")");
        return Optional.of(e.endpointId());
    }

    private void holders(DockerView.Snapshot snap, long now, long grace, Set<String> seenMissing,
                         List<String> removed, List<String> added) {
        Set<IpPrefix> ours = new HashSet<>();
        Map<String, NetworkRecord> byId = new HashMap<>();
        for (NetworkRecord r : overlay.networks()) {
            r.pools().forEach(p -> ours.add(p.pool()));
            byId.put(r.networkId(), r);
        }
        Map<IpPrefix, Integer> expected = poolsUsed(snap);
        Map<String, String> aliases = null;     // read only when a holder is about to be removed
        Set<String> hiddenKeys = new HashSet<>();
        for (PoolInfo pi : ipam.pools()) {
            if (!ours.contains(pi.pool())) {
                continue; // not a javaoverlay network's pool (or the network record is gone)
            }
            long have = pi.holders().stream().filter(h -> h.host().equals(hostId)).count();
            int want = expected.getOrDefault(pi.pool(), 0);
            if (have > want && lookup != null) {
                if (aliases == null) {
                    aliases = identity.localAliases();
                }
                Optional<String> hidden = hiddenNetwork(pi.pool(), snap, aliases, byId);
                if (hidden.isPresent()) {
                    String key = "hidden/" + pi.pool();
                    hiddenKeys.add(key);
                    reports.report(key, Level.WARNING, "pool " + pi.pool() + ": " + hostId + " holds it " + have
                            + " time(s) and Docker lists " + want + " network(s) of --driver-name on it"
                            + ", but Docker still has " + hidden.get() + "; the holder is kept (if the"
                            + " driver name is wrong, fix --driver-name)");
                    continue;
                }
            }
            for (long extra = have - want; extra > 0; extra--) {
                if (ipam.removeHolder(pi.pool(), hostId, now - grace)) {
                    removed.add(pi.pool().toString());
                    LOG.log(Level.INFO, "pool " + pi.pool() + ": " + hostId + " held it " + have + " time(s) for " + want
                            + " Docker network(s) here (a retried RequestPool, or a lost ReleasePool): one holder removed");
                }
            }
            if (have < want) {
                String key = "pool/" + pi.pool();
                seenMissing.add(key);
                if (settled(key, now)) {
                    for (long missing = want - have; missing > 0; missing--) {
                        ipam.addHolder(pi.pool(), hostId);
                        added.add(pi.pool().toString());
                    }
                    missingSince.remove(key);
                    LOG.log(Level.INFO, "pool " + pi.pool() + ": " + want + " Docker network(s) here use it but " + hostId
                            + " held it " + have + " time(s): holder(s) added back");
                }
            }
        }
        reports.clearAllExcept("hidden/", hiddenKeys);
    }

    /**
     * A network of this host (by its alias) on {@code pool} that the view does not list but Docker
     * still has, as text for the log; empty when Docker answers 404 for each. A Docker error counts as
     * "still has": no holder is removed on a question Docker did not answer.
     */
    private Optional<String> hiddenNetwork(IpPrefix pool, DockerView.Snapshot snap, Map<String, String> aliases,
                                           Map<String, NetworkRecord> byId) {
        for (Map.Entry<String, String> a : aliases.entrySet()) {
            NetworkRecord rec = byId.get(a.getValue());
            if (snap.networks().containsKey(a.getKey()) || rec == null
                    || rec.pools().stream().noneMatch(p -> p.pool().equals(pool))) {
                continue;
            }
            try {
                Optional<String> driver = lookup.driverOf(a.getKey());
                if (driver.isPresent()) {
                    return Optional.of("network " + a.getKey() + " with driver '" + driver.get() + "'");
                }
            } catch (java.io.IOException | RuntimeException e) {
                return Optional.of("network " + a.getKey() + " as far as it can tell (Docker did not answer: "
                        + e.getMessage() + ")");
            }
        }
        return Optional.empty();
    }

    /** Pool → how many of this host's Docker networks (of our driver) use it. */
    private static Map<IpPrefix, Integer> poolsUsed(DockerView.Snapshot snap) {
        Map<IpPrefix, Integer> used = new HashMap<>();
        for (LocalNetwork n : snap.networks().values()) {
            n.ipam().forEach(c -> prefix(c.subnet()).ifPresent(p -> used.merge(p, 1, Integer::sum)));
        }
        return used;
    }

    /** True once {@code key} has been seen missing for {@link #SETTLE}. */
    private boolean settled(String key, long now) {
        long since = missingSince.computeIfAbsent(key, k -> now);
        return now - since >= SETTLE.toMillis();
    }

    private void reportStoreLoss(Set<String> lost) {
        if (lost.isEmpty()) {
            if (reports.clear("store-lost")) {
                LOG.log(Level.INFO, "the store " + storeName + " has the records of this host's javaoverlay networks again");
            }
            return;
        }
        reports.report("store-lost", Level.ERROR, "the store " + storeName + " has lost what it knew about this host's"
                + " networks: Docker on " + hostId + " has javaoverlay network(s) " + lost + " but the store has no alias"
                + " or no network record for them (its data was wiped, or the daemon uses a wrong prefix in --store)."
                + " Running containers keep their connectivity; nothing of these networks is changed or deleted until"
                + " the records are back (restore them, e.g. with consul kv import, or fix --store)");
    }

    private static boolean older(long since, long now, long grace) {
        return since <= 0 || now - since >= grace;
    }

    private static List<IpPrefix> addresses(EndpointRecord r) {
        List<IpPrefix> out = new ArrayList<>();
        r.ipv4Prefix().ifPresent(out::add);
        r.ipv6Prefix().ifPresent(out::add);
        return out;
    }

    private static List<IpPrefix> addressesOf(LocalEndpoint e) {
        List<IpPrefix> out = new ArrayList<>();
        for (String s : new String[] {e.ipv4(), e.ipv6()}) {
            if (s != null) {
                prefix(s).ifPresent(out::add);
            }
        }
        return out;
    }

    /** The record of an endpoint Docker shows on this host, as CreateEndpoint would have written it. */
    private Optional<EndpointRecord> fromDocker(String clusterId, String localNetworkId, LocalEndpoint e, long now) {
        Optional<IpPrefix> v4 = prefix(e.ipv4());
        Optional<IpPrefix> v6 = prefix(e.ipv6());
        MacAddress mac;
        try {
            mac = MacAddress.parse(e.mac());
        } catch (IllegalArgumentException bad) {
            return Optional.empty();
        }
        if (v4.isEmpty() && v6.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EndpointRecord(clusterId, e.endpointId(), hostId, vtep, mac, v4.orElse(null),
                v6.orElse(null), localNetworkId, now));
    }

    /** A CIDR from Docker's view; empty if it is not one. */
    static Optional<IpPrefix> prefix(String cidr) {
        try {
            return cidr == null || cidr.indexOf('/') < 0 ? Optional.empty() : Optional.of(IpPrefix.parse(cidr.trim()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The pool of {@code net} containing {@code ip}. */
    /**
     * Deletes an endpoint record of this host as DeleteEndpoint would, and releases its addresses in
     * {@code net}'s pools (claims made no later than the record, or than {@code fallbackNotAfter} for a
     * record without a creation time, so an address taken again since is kept).
     *
     * @return the addresses released
     */
    static List<String> deleteEndpoint(EndpointRecord r, Optional<NetworkRecord> net, OverlayRecords overlay,
                                       IpamService ipam, String hostId, long fallbackNotAfter) {
        overlay.deleteStaleEndpoint(r);
        long notAfter = r.createdAt() > 0 ? r.createdAt() : fallbackNotAfter;
        List<String> released = new ArrayList<>();
        for (IpPrefix a : addresses(r)) {
            poolOf(net, a.address()).ifPresent(pool -> {
                if (ipam.releaseClaim(pool, a.address(), hostId, notAfter)) {
                    released.add(a.address().toString());
                }
            });
        }
        return released;
    }

    static Optional<IpPrefix> poolOf(Optional<NetworkRecord> net, IpAddress ip) {
        return net.flatMap(n -> n.pools().stream().map(NetworkRecord.Pool::pool).filter(p -> p.contains(ip)).findFirst());
    }

    /** The network's gateways and aux addresses: never released as leaks. */
    private static Set<IpAddress> reserved(NetworkRecord net) {
        Set<IpAddress> out = new HashSet<>();
        for (NetworkRecord.Pool p : net.pools()) {
            if (p.gateway() != null) {
                out.add(p.gateway().address());
            }
            p.auxAddresses().values().forEach(a -> out.add(a.address()));
        }
        return out;
    }

    /** Stops the thread (a pass in progress ends within the store's call timeouts). */
    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
    }
}
