package io.javaoverlay.server.cluster;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.server.docker.DockerApi;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Forgets this host's aliases of Docker networks that Docker no longer has (scope local). Without
 * replication (the embedded store, or {@code JAVAOVERLAY_REPLICATE=false}) it also judges which:
 * {@link #sweep}. With replication the {@link NetworkReplicator} judges (a network missing from
 * Docker's list for {@link NetworkReplicator#STALE_AFTER}, since there the alias is also what a
 * pending DeleteNetwork marks for removal on every host) and calls {@link #forgetIfGone}.
 *
 * <p>How an alias outlives its network: dockerd lost its state (reinstalled, {@code /var/lib/docker}
 * wiped, a fresh host on the same store), or the plugin died between answering CreateNetwork and
 * Docker storing the network. Left in place, the alias and its network record block every later
 * network of the same subnet on this host ("already is javaoverlay network ..."), and the default
 * pool hands that subnet out again as soon as the pool holder is repaired.
 *
 * <p><b>Evidence.</b> Docker answers 404 for the network's ID ({@code GET /networks/ID}, so a wrong
 * {@code --driver-name} cannot make live networks look gone), and the alias was not recorded by this
 * process in the last {@link #RECENT} (Docker stores a network only after CreateNetwork returns). A
 * network Docker is removing may also answer 404; forgetting it then is what its DeleteNetwork
 * would do. Forgetting is what the lost DeleteEndpoints and DeleteNetwork would have done: this
 * host's endpoint records of the network go and their addresses are released, then
 * {@link NetworkIdentity#leave}: the alias goes, with the last alias the network record and its VNI.
 * The devices follow the local ports (none are left).
 *
 * <p><b>Threads.</b> The endpoint reconciler calls {@link #sweep} on its thread. A CreateNetwork
 * handler that would be refused because of such an alias calls {@link #sweepFromHandler}: the same
 * sweep on this class's own thread, waited for at most a bound, so the handler itself never calls
 * into dockerd (which may be waiting for it).
 */
public final class GoneNetworks implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GoneNetworks.class.getName());
    /** An alias this process recorded more recently than this is never judged. */
    static final Duration RECENT = Duration.ofSeconds(10);

    private final DockerApi docker;
    private final NetworkIdentity identity;
    private final OverlayRecords records;
    private final IpamService ipam;
    private final Consumer<String> forgetDevices;
    private final ExecutorService thread;

    /**
     * @param docker        this host's Engine API
     * @param identity      this host's aliases
     * @param records       the overlay's network and endpoint records
     * @param ipam          the IPAM (the endpoints' addresses are released)
     * @param forgetDevices told the cluster ID of each network forgotten here (its devices go with the ports)
     */
    public GoneNetworks(DockerApi docker, NetworkIdentity identity, OverlayRecords records, IpamService ipam,
                        Consumer<String> forgetDevices) {
        this.docker = Objects.requireNonNull(docker, "docker");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.records = Objects.requireNonNull(records, "records");
        this.ipam = Objects.requireNonNull(ipam, "ipam");
        this.forgetDevices = Objects.requireNonNull(forgetDevices, "forgetDevices");
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "jo-gone-networks");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Forgets each alias of this host that {@code candidate} accepts and Docker does not have. Stops at
     * the first Docker API failure (nothing is judged without an answer).
     *
     * @param candidate Docker network ID → worth asking Docker about (e.g. not in the Docker view)
     * @param mayForget the network's record → may be forgotten now (e.g. its pool holders are repaired)
     * @return the Docker network IDs forgotten
     */
    public synchronized List<String> sweep(Predicate<String> candidate, Predicate<NetworkRecord> mayForget) {
        List<String> forgotten = new ArrayList<>();
        for (Map.Entry<String, String> a : identity.localAliases().entrySet()) {
            String id = a.getKey();
            if (!candidate.test(id) || identity.recordedWithin(id, RECENT)) {
                continue;
            }
            Optional<NetworkRecord> rec = records.network(a.getValue());
            if (rec.isPresent() && !mayForget.test(rec.get())) {
                continue;
            }
            try {
                if (forgetIfGone(id)) {
                    forgotten.add(id);
                }
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "cannot ask Docker about network " + id + " (" + e.getMessage() + "); judged later");
                break;
            }
        }
        return forgotten;
    }

    /**
     * Forgets this host's Docker network {@code localNetworkId} if Docker answers 404 for it: what its
     * lost DeleteEndpoints and DeleteNetwork would have done (see the class comment). The caller has
     * judged that it is not a network being created.
     *
     * @return true when it was forgotten; false when Docker has it, or its alias is already gone
     * @throws IOException when Docker does not answer (nothing is changed)
     */
    public synchronized boolean forgetIfGone(String localNetworkId) throws IOException {
        if (docker.inspectNetwork(localNetworkId).isPresent()) {
            return false;
        }
        Optional<String> cid = identity.aliasOf(localNetworkId);
        if (cid.isEmpty()) {
            return false; // gone meanwhile (a DeleteNetwork)
        }
        Optional<NetworkRecord> rec = records.network(cid.get());
        List<String> released = new ArrayList<>();
        int endpoints = 0;
        for (EndpointRecord e : records.endpointsOfHost(identity.hostId())) {
            if (e.networkId().equals(cid.get())) {
                released.addAll(EndpointReconciler.deleteEndpoint(e, rec, records, ipam, identity.hostId(),
                        System.currentTimeMillis()));
                endpoints++;
            }
        }
        Optional<NetworkIdentity.Left> left = identity.leave(localNetworkId);
        if (left.isEmpty()) {
            return false;
        }
        forgetDevices.accept(left.get().clusterId());
        LOG.log(Level.INFO, "Docker network " + localNetworkId + " (javaoverlay network " + left.get().clusterId()
                + rec.map(r -> ", subnets " + r.pools().stream().map(p -> p.pool().toString()).toList()).orElse("")
                + ") is gone from Docker on " + identity.hostId() + " (dockerd lost it, or it was removed while"
                + " javaoverlay was not running); forgotten: " + (left.get().networkDeleted() ? "its network record, "
                : "this host's alias (other hosts still have the network), ") + endpoints + " endpoint record(s)"
                + " of this host" + (released.isEmpty() ? "" : ", addresses " + released + " released"));
        return true;
    }

    /**
     * {@link #sweep} of this host's aliases of cluster network {@code clusterId}, on this class's
     * thread, waited for at most {@code wait}: for a CreateNetwork that such an alias would refuse
     * (a plugin handler must not call dockerd itself). Only those: the pool of that network is the new
     * network's, so rule 4 of the endpoint reconciler settles its holders; any other gone network is
     * left to rule 6, which waits for its holders first.
     *
     * @return the Docker network IDs forgotten; empty also when the sweep did not finish in time
     */
    public List<String> sweepFromHandler(Duration wait, String clusterId) {
        Future<List<String>> f;
        try {
            f = thread.submit(() -> {
                Set<String> ids = new java.util.HashSet<>();
                identity.localAliases().forEach((id, cid) -> {
                    if (cid.equals(clusterId)) {
                        ids.add(id);
                    }
                });
                return sweep(ids::contains, r -> true);
            });
        } catch (RejectedExecutionException closing) {
            return List.of();
        }
        try {
            return f.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException slow) {
            LOG.log(Level.WARNING, "Docker did not answer within " + wait.toMillis() + " ms whether this host's networks"
                    + " still exist; a stale one is forgotten by the next reconciliation instead");
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.log(Level.WARNING, "looking for networks Docker no longer has failed: " + e.getCause());
            return List.of();
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
