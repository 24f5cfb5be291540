package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.CasConflictException;
import io.javaoverlay.kvstore.CasRetry;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.server.docker.DockerApi;
import io.javaoverlay.server.docker.DockerApiException;
import io.javaoverlay.server.docker.DockerNetwork;
import io.javaoverlay.server.docker.NetworkCreate;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Gives Docker 24+ (no cluster store) multi-host networks: a javaoverlay network created on any
 * host is published under {@code clusternets/<name>}, and every host creates the same Docker
 * network through its local Engine API. Removal marks the record {@code deleting}; each host then
 * removes its copy once no container is attached, and the record goes when no host has one.
 *
 * <p>Level-triggered: {@link #pass()} compares the local Docker networks with the records and
 * acts; it runs on the replicator's own thread (see {@link ReplicatorLoop}), never in a plugin
 * request handler, because dockerd may be waiting for that handler. The only handler-side entry
 * point, {@link #markDeleting}, touches the store alone.
 */
public final class NetworkReplicator {
    private static final System.Logger LOG = System.getLogger(NetworkReplicator.class.getName());
    /** Docker driver and IPAM driver name of javaoverlay as a legacy plugin (the default). */
    public static final String DRIVER = "javaoverlay";

    private final DockerApi docker;
    private final KvStore store;
    private final NetworkIdentity identity;
    private final MembershipView membership;
    private final String hostId;
    private final Clock clock;
    /** The DeleteNetwork handler's compare-and-set on the cluster record. */
    private final CasRetry cas;
    /** The name this host's Docker knows the driver by (a managed plugin's carries a tag). */
    private final String driver;
    /** Forgets a network that is gone from this host's Docker (see {@link Forget}). */
    private final Forget forget;

    /** What forgetting a Docker network that is gone from this host does. */
    @FunctionalInterface
    public interface Forget {
        /**
         * Forgets {@code localNetworkId} if Docker confirms it is gone.
         *
         * @return true when forgotten, false when Docker has it (or it was forgotten meanwhile)
         * @throws IOException when Docker does not answer
         */
        boolean forgetIfGone(String localNetworkId) throws IOException;
    }
    /** A Docker network missing this long while its alias exists is gone for good (not just being created). */
    static final java.time.Duration STALE_AFTER = java.time.Duration.ofSeconds(10);
    /** When each alias of this host was first seen without its Docker network. */
    private final Map<String, Long> missingSince = new HashMap<>();
    /** Last message logged per subject, so a waiting state is reported on change, not every pass. */
    private final Map<String, String> reported = new HashMap<>();
    /**
     * Cluster networks this host's DeleteNetwork removed, with the time (System.nanoTime): no pass here
     * creates them again, whatever record it read (a pass may have read it before the removal was
     * marked, or the mark may have failed). A cluster ID is a Docker network ID, never reused.
     */
    private final Map<String, Long> removedHere = new java.util.concurrent.ConcurrentHashMap<>();
    /** How long a removal here is remembered: far longer than any pass. */
    static final java.time.Duration REMOVED_MEMORY = java.time.Duration.ofMinutes(5);

    /**
     * @param docker    this host's Engine API
     * @param store     the cluster store
     * @param identity  this host's view of the network aliases
     * @param membership the host listing (to say which waited-for hosts are dead)
     * @param hostId    this host's ID in the store
     * @param clock     for record timestamps and grace periods
     * @param driver    the driver and IPAM driver name on this host ({@link #DRIVER}, or e.g.
     *                  {@code javaoverlay:latest} for a managed plugin); the cluster records do not
     *                  carry it, so hosts running the plugin under different names share networks
     * @param forget    forgets a network gone from this host's Docker ({@link GoneNetworks#forgetIfGone}: with
     *                  its endpoint records, after Docker answered 404)
     */
    public NetworkReplicator(DockerApi docker, KvStore store, NetworkIdentity identity, MembershipView membership,
                             String hostId, Clock clock, String driver, Forget forget) {
        this.docker = Objects.requireNonNull(docker, "docker");
        this.store = Objects.requireNonNull(store, "store");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.membership = Objects.requireNonNull(membership, "membership");
        this.hostId = Objects.requireNonNull(hostId, "hostId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cas = new CasRetry(store, 8, java.time.Duration.ZERO);
        this.driver = Objects.requireNonNull(driver, "driver");
        this.forget = Objects.requireNonNull(forget, "forget");
    }

    /** A replicator whose forgetting of a gone network only drops the alias (its record with the last one). */
    public NetworkReplicator(DockerApi docker, KvStore store, NetworkIdentity identity, MembershipView membership,
                             String hostId, Clock clock, String driver) {
        this(docker, store, identity, membership, hostId, clock, driver, id -> identity.leave(id).isPresent());
    }

    /** A replicator for the legacy plugin name {@link #DRIVER}. */
    public NetworkReplicator(DockerApi docker, KvStore store, NetworkIdentity identity, MembershipView membership,
                             String hostId, Clock clock) {
        this(docker, store, identity, membership, hostId, clock, DRIVER);
    }

    /** What one pass did, for tests and the pass summary. */
    public record ReplicationReport(List<String> published, List<String> created, List<String> removed, List<String> waiting,
                             List<String> conflicts, List<String> forgotten, List<String> failed) {
        /** True when the pass did nothing and nothing is pending. */
        public boolean quiet() {
            return published.isEmpty() && created.isEmpty() && removed.isEmpty() && conflicts.isEmpty()
                    && forgotten.isEmpty() && failed.isEmpty();
        }
    }

    private record Stored(ClusterNetwork net, long index) {}

    /**
     * Marks cluster network {@code clusterId} for removal everywhere, and remembers that this host
     * removed it (so no pass here creates it again from an older read). Called from the DeleteNetwork
     * handler: store access only, no Docker API call. Unknown or already deleting networks are left
     * alone.
     *
     * @throws io.javaoverlay.types.OverlayException CONFLICT after 8 lost races, UNAVAILABLE when the store fails
     */
    public void markDeleting(String clusterId) {
        removedHere(clusterId);
        cas.run("mark network " + clusterId + " for removal on every host", () -> {
            Optional<Stored> rec = records().values().stream()
                    .filter(s -> s.net().clusterId().equals(clusterId)).findFirst();
            if (rec.isEmpty() || rec.get().net().deleting()) {
                return null;
            }
            ClusterNetwork n = rec.get().net();
            // A lost race (CasConflictException) re-reads and tries again.
            store.compareAndSet(ClusterKeys.network(n.name()), ClusterKeys.encode(n.markDeleting(hostId)),
                    rec.get().index());
            LOG.log(Level.INFO, "network " + n.name() + " removed on " + hostId + ": removing it on every host");
            return null;
        });
    }

    /** Remembers that this host's DeleteNetwork removed {@code clusterId} (before anything is written). */
    void removedHere(String clusterId) {
        removedHere.put(clusterId, System.nanoTime());
    }

    /**
     * The last host left cluster network {@code clusterId} (its record is gone with the last alias):
     * its definition goes too, from the DeleteNetwork handler, so nothing of it is left for a pass to
     * act on. Store access only.
     */
    public void forgetDefinition(String clusterId) {
        cas.run("remove the definition of network " + clusterId, () -> {
            for (Stored s : records().values()) {
                if (s.net().clusterId().equals(clusterId) && identity.hostsWith(clusterId).isEmpty()) {
                    store.deleteIfIndex(ClusterKeys.network(s.net().name()), s.index());
                    reported.remove(s.net().name());
                    LOG.log(Level.INFO, "network " + s.net().name() + " is gone from every host");
                }
            }
            return null;
        });
    }

    /**
     * One reconcile pass.
     *
     * @throws IOException       dockerd is not answering (the loop retries with backoff)
     * @throws KvStoreException  the store is not answering
     */
    public ReplicationReport pass() throws IOException, KvStoreException {
        long began = System.nanoTime();
        removedHere.values().removeIf(t -> began - t > REMOVED_MEMORY.toNanos());
        List<String> published = new ArrayList<>();
        List<String> created = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        List<String> forgotten = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<DockerNetwork> locals = docker.listNetworks(driver);
        Map<String, Stored> records = records();
        Map<String, DockerNetwork> localByName = new LinkedHashMap<>();
        for (DockerNetwork l : locals) {
            localByName.put(l.name(), l);
        }
        Set<String> recordedHere = forgetStaleAliases(locals, forgotten);
        for (DockerNetwork l : locals) {
            Optional<String> cid = identity.recordedClusterIdOf(l.id());
            if (cid.isEmpty() || !ClusterKeys.isValidName(l.name())) {
                continue; // not recorded by this plugin (another mode, or a create that failed)
            }
            Stored s = records.get(l.name());
            boolean replicated = l.options().containsKey(ClusterNetwork.CLUSTER_ID_OPTION);
            if (s == null) {
                if (replicated) {
                    // The cluster record is gone: the network was removed everywhere while we were away.
                    removeIfIdle(l, "its cluster record is gone", removed, waiting, failed);
                } else if (publish(l, cid.get())) {
                    published.add(l.name());
                }
            } else if (s.net().clusterId().equals(cid.get())) {
                if (s.net().deleting()) {
                    removeIfIdle(l, "removal requested on " + s.net().deleteRequestedBy(), removed, waiting, failed);
                }
            } else if (s.net().deleting()) {
                report(l.name(), Level.INFO, "network " + l.name() + " was created again on " + hostId + " while the"
                        + " previous one is still being removed; it is published once that is done");
            } else {
                conflict(s.net(), l, conflicts, removed, waiting, failed);
            }
        }
        for (Stored s : records.values()) {
            ClusterNetwork n = s.net();
            if (!n.deleting() && !localByName.containsKey(n.name())) {
                if (recordedHere.contains(n.clusterId())) {
                    // This host has it (an alias), but Docker does not list it: Docker hides a network
                    // it is removing before it calls DeleteNetwork, and a network removed while the
                    // plugin was down looks the same. Creating it now would bring back a network being
                    // removed; the alias goes with DeleteNetwork, or after STALE_AFTER.
                    report(n.name() + "/create", Level.DEBUG, "network " + n.name() + " is not in Docker's list on "
                            + hostId + " but is recorded here; not creating it while it may be being removed");
                    continue;
                }
                if (removedHere.containsKey(n.clusterId()) || changedSince(s)) {
                    continue; // removed here (the mark may not be stored yet), or changed since it was read
                }
                createLocal(n, created, failed);
            } else if (n.deleting()) {
                Set<String> hosts = identity.hostsWith(n.clusterId());
                if (hosts.isEmpty()) {
                    try {
                        store.deleteIfIndex(ClusterKeys.network(n.name()), s.index());
                        forgotten.add(n.name());
                        reported.remove(n.name());
                        LOG.log(Level.INFO, "network " + n.name() + " is gone from every host");
                    } catch (CasConflictException raced) {
                        // changed meanwhile: next pass
                    }
                } else {
                    Set<String> dead = new java.util.TreeSet<>();
                    Map<String, HostView> known = membership.snapshot();
                    for (String h : hosts) {
                        HostView v = known.get(h);
                        if (v != null && v.state() != Liveness.ALIVE) {
                            dead.add(h + " (" + v.state().name().toLowerCase(java.util.Locale.ROOT) + ")");
                        }
                    }
                    report(n.name(), dead.isEmpty() ? Level.INFO : Level.WARNING, "network " + n.name()
                            + " removal requested on " + n.deleteRequestedBy() + " waits for host(s) " + hosts
                            + (dead.isEmpty() ? "" : "; not running javaoverlay now: " + dead
                            + " (their copies go when they are back, or when a dead host is collected after"
                            + " --dead-host-retention)"));
                }
            }
        }
        ReplicationReport r = new ReplicationReport(published, created, removed, waiting, conflicts, forgotten, failed);
        if (!r.quiet()) {
            LOG.log(failed.isEmpty() ? Level.INFO : Level.WARNING, "replication pass: published " + published
                    + ", created " + created + ", removed " + removed + ", waiting " + waiting + ", conflicts "
                    + conflicts + ", forgotten " + forgotten + ", failed " + failed);
        }
        return r;
    }

    /**
     * Aliases of Docker networks that are gone from this host: `docker network rm` while the plugin
     * was down (Docker ignores the failed DeleteNetwork), or a dockerd that lost its state. Left in
     * place they would hold up every removal of that network forever.
     *
     * @return the cluster networks this host still has an alias for
     */
    private Set<String> forgetStaleAliases(List<DockerNetwork> locals, List<String> forgotten) throws IOException {
        Set<String> ids = new java.util.HashSet<>();
        locals.forEach(l -> ids.add(l.id()));
        Map<String, String> aliases = identity.localAliases();
        missingSince.keySet().retainAll(aliases.keySet());
        Set<String> recorded = new java.util.HashSet<>();
        long now = clock.millis();
        for (Map.Entry<String, String> a : aliases.entrySet()) {
            if (ids.contains(a.getKey())) {
                missingSince.remove(a.getKey());
                recorded.add(a.getValue());
                continue;
            }
            long since = missingSince.computeIfAbsent(a.getKey(), k -> now);
            if (now - since >= STALE_AFTER.toMillis()) {
                missingSince.remove(a.getKey());
                if (forget.forgetIfGone(a.getKey())) {
                    forgotten.add(a.getKey());
                } else {
                    recorded.add(a.getValue()); // Docker has it after all (not of our --driver-name?): keep it
                }
            } else {
                recorded.add(a.getValue());
            }
        }
        return recorded;
    }

    /**
     * How soon a pass has work that no event announces: an alias whose Docker network is missing is
     * forgotten {@link #STALE_AFTER} after it was first seen missing (and the network then created
     * again, as on a reinstalled host), so the loop must look again then rather than a resync later.
     * Called on the thread that runs {@link #pass()}.
     */
    public Optional<java.time.Duration> nextDeadline() {
        long now = clock.millis();
        return missingSince.values().stream().map(since -> Math.max(0, since + STALE_AFTER.toMillis() - now))
                .min(Long::compare).map(java.time.Duration::ofMillis);
    }

    /** Re-reads a record right before acting on it: a removal marked since the pass read it wins. */
    private boolean changedSince(Stored s) throws KvStoreException {
        Optional<KvEntry> now = store.get(ClusterKeys.network(s.net().name()));
        return now.isEmpty() || now.get().modifyIndex() != s.index();
    }

    private boolean publish(DockerNetwork listed, String cid) throws IOException {
        // The full form: the list form may leave out details such as the gateway.
        Optional<DockerNetwork> full = docker.inspectNetwork(listed.id());
        if (full.isEmpty()) {
            return false; // removed meanwhile
        }
        DockerNetwork l = full.get();
        ClusterNetwork n = ClusterNetwork.of(l, cid, hostId, clock.millis());
        try {
            store.putIfAbsent(ClusterKeys.network(l.name()), ClusterKeys.encode(n));
            LOG.log(Level.INFO, "published network " + l.name() + " (javaoverlay network " + cid + ") to every host");
            return true;
        } catch (CasConflictException lost) {
            return false; // another host won the name: the next pass compares
        }
    }

    private void conflict(ClusterNetwork winner, DockerNetwork l, List<String> conflicts, List<String> removed,
                          List<String> waiting, List<String> failed) {
        conflicts.add(l.name());
        List<String> diffs = winner.differences(l);
        report(l.name() + "/conflict/" + l.id(), Level.ERROR, "network " + l.name() + " on " + hostId
                + " conflicts with the cluster's network " + l.name() + " created on " + winner.createdBy()
                + (diffs.isEmpty() ? " (a different network with the same name)" : ": " + String.join("; ", diffs))
                + "; the later one loses, so this host's copy is removed");
        removeIfIdle(l, "it conflicts with the cluster's definition", removed, waiting, failed);
    }

    private void removeIfIdle(DockerNetwork l, String why, List<String> removed, List<String> waiting,
                              List<String> failed) {
        try {
            Optional<DockerNetwork> full = docker.inspectNetwork(l.id());
            if (full.isEmpty()) {
                return;
            }
            int n = full.get().containers();
            if (n > 0) {
                waiting.add(l.name());
                report(l.name() + "/wait", Level.WARNING, "network " + l.name() + " " + why + " waits for host "
                        + hostId + ": " + n + " container" + (n == 1 ? "" : "s") + " attached");
                return;
            }
            docker.removeNetwork(l.id());
            removed.add(l.name());
            LOG.log(Level.INFO, "removed network " + l.name() + " on " + hostId + ": " + why);
        } catch (IOException e) {
            failed.add(l.name());
            report(l.name() + "/rm", Level.WARNING, "cannot remove network " + l.name() + " on " + hostId + " ("
                    + why + "): " + e.getMessage());
        }
    }

    private void createLocal(ClusterNetwork n, List<String> created, List<String> failed) {
        Map<String, String> options = new TreeMap<>(n.options());
        options.put(ClusterNetwork.CLUSTER_ID_OPTION, n.clusterId());
        Map<String, String> ipamOptions = new TreeMap<>(n.ipamOptions());
        ipamOptions.put(ClusterNetwork.IPAM_NETWORK_OPTION, n.clusterId());
        List<DockerNetwork.IpamConfig> pools = new ArrayList<>();
        for (ClusterNetwork.Pool p : n.ipam()) {
            pools.add(new DockerNetwork.IpamConfig(p.subnet(), p.ipRange(), p.gateway()));
        }
        try {
            docker.createNetwork(new NetworkCreate(n.name(), driver, options, driver, ipamOptions, pools,
                    n.enableIPv6(), n.internal(), n.enableIPv4()));
            created.add(n.name());
            reported.remove(n.name() + "/create");
            LOG.log(Level.INFO, "created network " + n.name() + " on " + hostId + " (javaoverlay network "
                    + n.clusterId() + ", created on " + n.createdBy() + ")");
        } catch (DockerApiException e) {
            failed.add(n.name());
            report(n.name() + "/create", Level.ERROR, "cannot create network " + n.name() + " on " + hostId
                    + " as defined in the cluster (created on " + n.createdBy() + "): " + e.getMessage());
        } catch (IOException e) {
            failed.add(n.name());
            report(n.name() + "/create", Level.WARNING, "cannot create network " + n.name() + " on " + hostId
                    + " yet: " + e.getMessage());
        }
    }

    private Map<String, Stored> records() throws KvStoreException {
        Map<String, Stored> out = new TreeMap<>();
        for (KvEntry e : store.list(ClusterKeys.NETWORKS)) {
            try {
                ClusterNetwork n = ClusterKeys.decode(e.key(), e.value());
                out.put(n.name(), new Stored(n, e.modifyIndex()));
            } catch (IllegalArgumentException corrupt) {
                report(e.key(), Level.ERROR, corrupt.getMessage());
            }
        }
        return out;
    }

    /** Logs {@code message} unless it is what was last logged for {@code subject}. */
    private void report(String subject, Level level, String message) {
        if (!message.equals(reported.put(subject, message))) {
            LOG.log(level, message);
        }
    }
}
