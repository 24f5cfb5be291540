package io.javaoverlay.server.status;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The admin API's JSON documents, as records (field order is the JSON order). Absent values are
 * {@code null} and left out of the JSON. The CLI reads them back as trees, so a newer daemon may
 * add fields without breaking an older CLI.
 */
public final class StatusModel {
    private StatusModel() {
    }

    /**
     * {@code GET /v1/status}: one section per concern.
     *
     * @param health   healthy, or degraded with one reason per problem
     * @param host     this host
     * @param hosts    the cluster's hosts as this host sees them
     * @param networks the overlay networks
     * @param drift    per network, the store's FDB/neighbour entries against this host's kernel
     * @param errors   recent WARNING and ERROR log lines, oldest first
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Status(Health health, ThisHost host, List<HostView> hosts, List<NetworkView> networks,
                         List<NetworkDrift> drift, List<ErrorEntry> errors) {
    }

    /**
     * {@code healthy} is true exactly when {@code reasons} is empty; {@code starting} (left out when
     * false) says the daemon's first start attempt still runs, so the reasons are "not yet", not a fault.
     */
    public record Health(boolean healthy, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean starting,
                         List<String> reasons) {
        public Health {
            reasons = List.copyOf(reasons);
        }

        /** A verdict on a started daemon. */
        public Health(boolean healthy, List<String> reasons) {
            this(healthy, false, reasons);
        }
    }

    /**
     * This host.
     *
     * @param services    {@code ready}, or what the daemon is still waiting for
     * @param store       the store URL (never a token)
     * @param storeHealth the result of one cheap read made for this status
     * @param config      the running configuration, flag name → value, secrets masked
     * @param names       container DNS and service registration, when either is on
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ThisHost(String hostId, String vtep, String underlayDevice, Integer underlayMtu, Integer containerMtu,
                           String version, String startedAt, long uptimeSeconds, String scope, String store,
                           StoreHealth storeHealth, String services, Map<String, String> config, Names names) {
        /** Without names (both features off). */
        public ThisHost(String hostId, String vtep, String underlayDevice, Integer underlayMtu, Integer containerMtu,
                        String version, String startedAt, long uptimeSeconds, String scope, String store,
                        StoreHealth storeHealth, String services, Map<String, String> config) {
            this(hostId, vtep, underlayDevice, underlayMtu, containerMtu, version, startedAt, uptimeSeconds, scope, store,
                    storeHealth, services, config, null);
        }
    }

    /**
     * Container names and services on this host (null fields: that feature is off).
     *
     * @param publishedNames   name records this host publishes (one per local endpoint on a javaoverlay network)
     * @param clusterNames     name records of every host the resolver answers from
     * @param dnsServing       whether the resolver is bound and answering
     * @param dnsQueries       queries received since start
     * @param dnsAnswered      answered from the name table
     * @param dnsForwarded     relayed to the upstream resolvers
     * @param dnsRateLimited   dropped by the per-source rate limit
     * @param dnsDropped       dropped otherwise (full queue, responses and runts that get no answer)
     * @param services         services this host keeps registered in Consul
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Names(Integer publishedNames, Integer clusterNames, Boolean dnsServing, Long dnsQueries,
                        Long dnsAnswered, Long dnsForwarded, Long dnsRateLimited, Long dnsDropped, Integer services) {
    }

    /** @param latencyMs how long the probe read took; {@code error} says why it failed */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StoreHealth(boolean reachable, Double latencyMs, String error) {
    }

    /**
     * One host.
     *
     * @param state              {@code alive}, {@code silent} (no beat, machine answers), {@code dead} or
     *                           {@code unknown} (this daemon has no liveness source for it)
     * @param lastBeatAgeSeconds seconds since its last heartbeat, when known
     * @param since              when it registered or entered its state (ISO-8601), when known
     * @param endpoints          endpoint records it owns
     * @param self               true for the host answering
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record HostView(String hostId, String state, String vtep, String hostname, Double lastBeatAgeSeconds,
                           String since, int endpoints, boolean self) {
    }

    /**
     * One overlay network.
     *
     * @param clusterId the ID every store record is keyed by
     * @param name      the Docker name, when this host's Docker or the cluster record knows it
     * @param localIds  this host's Docker network IDs for it
     * @param mtu       the stored MTU, or null when each host derives it from its underlay
     * @param hosts     hosts that have the network (a Docker network or an endpoint)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NetworkView(String clusterId, String name, List<String> localIds, int vni, List<String> subnets,
                              Integer mtu, List<String> hosts, int endpoints) {
    }

    /** {@code GET /v1/networks/{nameOrId}}: the network and its endpoints on every host. */
    public record NetworkDetail(NetworkView network, List<EndpointView> endpoints) {
    }

    /** One endpoint; {@code container} when this host's Docker names it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EndpointView(String endpointId, String hostId, String ipv4, String ipv6, String mac, String container,
                               boolean local) {
    }

    /**
     * Drift of one network on this host: what the store wants against what the kernel holds.
     *
     * @param local                true when this host has an endpoint in it (else nothing is wanted)
     * @param pendingDeviceChanges device changes (create, MTU, master, up, teardown) a pass would make
     * @param error                why the kernel or store could not be read for this check
     * @param lastPass             the last reconcile pass of the network, if one ran since start
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NetworkDrift(String clusterId, String name, int vni, boolean local, int desiredFdb, int actualFdb,
                               int desiredNeigh, int actualNeigh, int missingFdb, int extraFdb, int missingNeigh,
                               int extraNeigh, int pendingDeviceChanges, String error, LastPass lastPass) {
        /** Table entries that differ. */
        public int drift() {
            return missingFdb + extraFdb + missingNeigh + extraNeigh;
        }
    }

    /** The last reconcile pass of a network. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LastPass(String at, double durationMs, int planned, long applied, int failed, boolean converged,
                           String abortedBy) {
    }

    /** One WARNING or ERROR log line. */
    public record ErrorEntry(String at, String level, String source, String message) {
    }

    /** {@code GET /v1/ipam/pools}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PoolView(String poolId, String pool, String subPool, String network, String clusterId,
                           String addressSpace, String gateway, List<Holder> holders, BigInteger capacity, long used,
                           BigInteger free) {
    }

    /** One RequestPool holder: host and since (ISO-8601). */
    public record Holder(String host, String since) {
    }

    /**
     * {@code POST /v1/ipam/release} {@code {"address":"10.1.2.3"}}.
     *
     * @param released false when the address was already free
     * @param heldBy   the host whose claim was released
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReleaseResult(String address, String pool, String poolId, boolean released, String heldBy,
                                String message) {
    }

    /** {@code POST /v1/hosts/{id}/forget}: what was removed. */
    public record ForgetReport(String hostId, int endpointsRemoved, int addressesReleased, int poolHoldersRemoved,
                               List<String> poolsDeleted, int aliasesRemoved, List<String> networksDeleted,
                               boolean hostRecordRemoved) {
    }

    /** {@code GET /v1/networks}. */
    public record NetworkList(List<NetworkView> networks) {
    }

    /** {@code GET /v1/ipam/pools}. */
    public record PoolList(List<PoolView> pools) {
    }

    /** {@code GET /v1/hosts}. */
    public record HostList(List<HostView> hosts) {
    }

    /** The body of {@code POST /v1/ipam/release}. */
    public record ReleaseRequest(String address) {
    }

    /** Any failure: HTTP status 4xx/5xx and {@code {"error": "..."}}. */
    public record ErrorBody(String error) {
    }
}
