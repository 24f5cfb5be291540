package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamConfig.Scope;
import io.javaoverlay.ipam.IpamService.PoolInfo;
import io.javaoverlay.types.IpAddress;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static io.javaoverlay.ipam.IpamServiceContract.addr;
import static io.javaoverlay.ipam.IpamServiceContract.gw;
import static io.javaoverlay.ipam.IpamServiceContract.host;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Docker's side of a two-host cluster using one pool ({@link IpamOwnershipContract#P}), and the
 * IPAM calls each Docker action makes, including the ones that get repeated, lost or reordered.
 * Docker's view (networks per host, endpoints and their addresses) is what the reconciler compares
 * the store with. In scope global there is one network for the cluster, whatever host acts.
 */
final class IpamWorld {

    /** One Docker action and the IPAM calls it makes. */
    record Step(String name, Consumer<IpamWorld> action) {
        void apply(IpamWorld w) {
            w.trace.add(name);
            action.accept(w);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A container's endpoint as Docker has it. */
    record Endpoint(String label, String host, IpAddress ip) {
    }

    private final String name;
    private final Scope scope;
    private final Map<String, KvIpamService> ipam;
    private final Map<String, TickingClock> clocks;
    private final Map<String, Integer> networks = new TreeMap<>();
    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private final Map<String, Endpoint> released = new HashMap<>();
    private final List<String> trace = new ArrayList<>();
    private String poolId;
    private String oldPoolId;
    private IpAddress gateway;
    private String gatewayHost;
    private boolean collected;

    IpamWorld(String name, Scope scope, Map<String, KvIpamService> ipam, Map<String, TickingClock> clocks) {
        this.name = name;
        this.scope = scope;
        this.ipam = new TreeMap<>(ipam);
        this.clocks = clocks;
    }

    // ---- Docker actions -------------------------------------------------------------------------

    /** {@code docker network create} on {@code h}: RequestPool, RequestAddress(gateway). */
    static Step create(String h) {
        return new Step("create network on " + h, w -> {
            w.requestPool(h);
            boolean noGateway = w.pool().flatMap(PoolInfo::gateway).isEmpty();
            w.gateway = host(gw(w.ipam(h), w.poolId, null));
            if (noGateway) {
                w.gatewayHost = h;
            }
            w.networks.merge(w.key(h), 1, Integer::sum);
        });
    }

    /** A RequestPool whose answer Docker never saw (retried, or delivered after Docker gave up). */
    static Step retryRequestPool(String h) {
        return new Step("RequestPool retried/late on " + h, w -> w.requestPool(h));
    }

    /**
     * A RequestPool without {@code --subnet} whose answer Docker never saw: each call claims another
     * subnet (E17), so the retry leaves a whole pool no Docker network uses.
     */
    static Step autoRequestPoolLost(String h) {
        return new Step("auto RequestPool lost on " + h,
                w -> w.ipam(h).requestPool(IpamServiceContract.poolReq(null, null, null, false)));
    }

    /** {@code docker network rm} on {@code h}: ReleaseAddress(gateway), ReleasePool. */
    static Step remove(String h) {
        return new Step("remove network on " + h, w -> {
            w.ipam(h).releaseAddress(w.poolId, w.gateway);
            w.ipam(h).releasePool(w.poolId);
            w.networks.merge(w.key(h), -1, Integer::sum);
        });
    }

    /** {@code docker network rm} on {@code h} while its plugin was down: no IPAM call arrived. */
    static Step removeLost(String h) {
        return new Step("remove network on " + h + " (calls lost)", w -> w.networks.merge(w.key(h), -1, Integer::sum));
    }

    /** {@code docker network rm} on {@code h}, the calls reordered: ReleasePool, then ReleaseAddress(gateway). */
    static Step releasePoolFirst(String h) {
        return new Step("remove network on " + h + " (ReleasePool first)", w -> {
            w.ipam(h).releasePool(w.poolId);
            w.ipam(h).releaseAddress(w.poolId, w.gateway);
            w.networks.merge(w.key(h), -1, Integer::sum);
        });
    }

    static Step repeatReleasePool(String h) {
        return new Step("ReleasePool repeated on " + h, w -> w.ipam(h).releasePool(w.poolId));
    }

    static Step repeatReleaseGateway(String h) {
        return new Step("ReleaseAddress(gateway) repeated on " + h, w -> w.ipam(h).releaseAddress(w.poolId, w.gateway));
    }

    /** {@code docker run} on {@code h}: RequestAddress. */
    static Step run(String h, String label) {
        return new Step("run " + label + " on " + h, w -> w.started(label, h, host(addr(w.ipam(h), w.poolId))));
    }

    /** {@code docker run} whose RequestAddress was retried: the first answer was lost, its claim leaks. */
    static Step retryRun(String h, String label) {
        return new Step("run " + label + " on " + h + " (RequestAddress retried)", w -> {
            addr(w.ipam(h), w.poolId);
            w.started(label, h, host(addr(w.ipam(h), w.poolId)));
        });
    }

    /** {@code docker rm}: ReleaseAddress. */
    static Step rm(String label) {
        return new Step("rm " + label, w -> {
            Endpoint e = w.stopped(label);
            w.ipam(e.host()).releaseAddress(w.poolId, e.ip());
        });
    }

    /** {@code docker rm} while the plugin was down: Docker forgot the endpoint, no ReleaseAddress arrived. */
    static Step rmLost(String label) {
        return new Step("rm " + label + " (ReleaseAddress lost)", w -> w.stopped(label));
    }

    /** The ReleaseAddress of a removed container, repeated (before the address is handed out again). */
    static Step repeatRm(String label) {
        return new Step("ReleaseAddress of " + label + " repeated", w -> {
            Endpoint e = w.released.get(label);
            w.ipam(e.host()).releaseAddress(w.poolId, e.ip());
        });
    }

    /** A RequestAddress delivered after the pool was released: refused, nothing claimed. */
    static Step lateRun(String h) {
        return new Step("RequestAddress late on " + h, w -> assertThrows(PoolNotFoundException.class,
                () -> addr(w.ipam(h), w.poolId), w.trace()));
    }

    /** A RequestAddress carrying the pool ID of the previous generation of the pool. */
    static Step lateRunOnOldPool(String h) {
        return new Step("RequestAddress with the old PoolID on " + h, w -> {
            assertNotNull(w.oldPoolId, "the scenario must re-create the pool first");
            assertThrows(PoolNotFoundException.class, () -> addr(w.ipam(h), w.oldPoolId), w.trace());
        });
    }

    /** The dead-host collector on {@code by} forgets {@code dead}, which was only down: its Docker keeps everything. */
    static Step collect(String by, String dead) {
        return new Step(by + " collects host " + dead, w -> {
            Set<IpAddress> keep = w.endpoints.values().stream().filter(e -> !e.host().equals(dead))
                    .map(Endpoint::ip).collect(Collectors.toSet());
            w.ipam(by).forgetHost(dead, keep);
            w.collected = true;
        });
    }

    // ---- state ------------------------------------------------------------------------------------

    private void requestPool(String h) {
        String id = IpamServiceContract.pool(ipam(h), "198.18.0.0/24", "blue").poolId();
        if (poolId != null && !poolId.equals(id)) {
            oldPoolId = poolId;
        }
        poolId = id;
    }

    private void started(String label, String h, IpAddress ip) {
        endpoints.put(label, new Endpoint(label, h, ip));
    }

    private Endpoint stopped(String label) {
        Endpoint e = endpoints.remove(label);
        released.put(label, e);
        return e;
    }

    private String key(String h) {
        return scope == Scope.LOCAL ? h : "cluster";
    }

    Scope scope() {
        return scope;
    }

    Collection<String> hosts() {
        return ipam.keySet();
    }

    IpamService ipam(String h) {
        return ipam.get(h);
    }

    TickingClock clock(String h) {
        return clocks.get(h);
    }

    /** Docker networks using the pool on {@code h} (scope local). */
    int networks(String h) {
        return networks.getOrDefault(key(h), 0);
    }

    /** Docker networks using the pool, cluster-wide. */
    int networks() {
        return networks.values().stream().mapToInt(Integer::intValue).sum();
    }

    Collection<Endpoint> endpoints() {
        return endpoints.values();
    }

    Optional<Endpoint> endpointAt(IpAddress ip) {
        return endpoints.values().stream().filter(e -> e.ip().equals(ip)).findFirst();
    }

    IpAddress gateway() {
        return gateway;
    }

    String gatewayHost() {
        return gatewayHost;
    }

    boolean collected() {
        return collected;
    }

    /** The active pool, read through host a. */
    Optional<PoolInfo> pool() {
        return ipam("a").pools().stream().filter(p -> p.pool().equals(IpamOwnershipContract.P)).findFirst();
    }

    /** Steps so far and the pool as it is now, for failure messages. */
    String trace() {
        return "case '" + name + "': steps " + trace + ", Docker networks " + networks + ", endpoints " + endpoints.values()
                + ", pool " + pool().map(p -> p.holders() + " gw " + p.gateway()).orElse("none")
                + ", claims " + ipam("a").claims(IpamOwnershipContract.P);
    }
}
