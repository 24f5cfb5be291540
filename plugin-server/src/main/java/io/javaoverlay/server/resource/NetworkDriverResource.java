package io.javaoverlay.server.resource;

import io.javaoverlay.server.protocol.Json;
import io.javaoverlay.server.protocol.NetworkDriverApi;
import io.javaoverlay.server.protocol.NetworkDriverMessages.AllocateNetworkResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.CreateEndpointRequest;
import io.javaoverlay.server.protocol.NetworkDriverMessages.CreateEndpointResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.CreateNetworkRequest;
import io.javaoverlay.server.protocol.NetworkDriverMessages.DiscoveryNotification;
import io.javaoverlay.server.protocol.NetworkDriverMessages.EndpointInterfaceResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.EndpointOperInfoResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.EndpointRequest;
import io.javaoverlay.server.protocol.NetworkDriverMessages.GetCapabilitiesResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.GwAllocCheckResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.InterfaceName;
import io.javaoverlay.server.protocol.NetworkDriverMessages.IpamData;
import io.javaoverlay.server.protocol.NetworkDriverMessages.JoinRequest;
import io.javaoverlay.server.protocol.NetworkDriverMessages.JoinResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.NetworkRequest;
import io.javaoverlay.server.protocol.NetworkDriverMessages.StaticRoute;
import io.javaoverlay.server.protocol.OptionMaps;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.NetworkService;
import io.javaoverlay.vxlan.state.NetworkRecord;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Docker's remote NetworkDriver API, delegating to the {@link io.javaoverlay.server.cluster.ClusterService}. GetCapabilities,
 * EndpointOperInfo, the external-connectivity calls, GwAllocCheck and the swarm allocation calls
 * answer without the service, so they work while the store is still connecting.
 */
@Path("/")
@Produces(Json.DOCKER_PLUGIN_JSON)
public final class NetworkDriverResource {
    private static final Map<String, Object> EMPTY = Map.of();

    private final Services services;
    private final DriverSettings settings;

    /** Constructor injection: the services (possibly not ready yet) and the static answers. */
    public NetworkDriverResource(Services services, DriverSettings settings) {
        this.services = Objects.requireNonNull(services, "services");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Data scope from configuration; connectivity is always global (multi-host). */
    @POST
    @Path(NetworkDriverApi.GET_CAPABILITIES)
    public GetCapabilitiesResponse getCapabilities() {
        return new GetCapabilitiesResponse(settings.scope(), "global");
    }

    /** Records the network (idempotent for the same spec). */
    @POST
    @Path(NetworkDriverApi.CREATE_NETWORK)
    public Map<String, Object> createNetwork(CreateNetworkRequest request) {
        CreateNetworkRequest r = Requests.body(request, NetworkDriverApi.CREATE_NETWORK);
        String nid = Requests.id(r.networkId(), "NetworkID", NetworkDriverApi.CREATE_NETWORK);
        NetworkService.NetworkSpec spec = new NetworkService.NetworkSpec(nid,
                ipamData(nid, "IPv4Data", r.ipv4Data()), ipamData(nid, "IPv6Data", r.ipv6Data()),
                OptionMaps.nested(r.options(), OptionMaps.GENERIC),
                OptionMaps.flag(r.options(), OptionMaps.ENABLE_IPV6),
                OptionMaps.flag(r.options(), OptionMaps.INTERNAL));
        services.cluster().createNetwork(spec);
        return EMPTY;
    }

    /** Removes this host's part of the network; unknown IDs succeed. */
    @POST
    @Path(NetworkDriverApi.DELETE_NETWORK)
    public Map<String, Object> deleteNetwork(NetworkRequest request) {
        NetworkRequest r = Requests.body(request, NetworkDriverApi.DELETE_NETWORK);
        services.cluster().deleteNetwork(Requests.id(r.networkId(), "NetworkID", NetworkDriverApi.DELETE_NETWORK));
        return EMPTY;
    }

    /** Swarm manager allocation: echoes every option back, since the answer becomes every node's options. */
    @POST
    @Path(NetworkDriverApi.ALLOCATE_NETWORK)
    public AllocateNetworkResponse allocateNetwork(CreateNetworkRequest request) {
        CreateNetworkRequest r = Requests.body(request, NetworkDriverApi.ALLOCATE_NETWORK);
        Requests.id(r.networkId(), "NetworkID", NetworkDriverApi.ALLOCATE_NETWORK);
        return new AllocateNetworkResponse(OptionMaps.flatten(r.options()));
    }

    /** Swarm manager release: nothing was allocated, nothing to free. */
    @POST
    @Path(NetworkDriverApi.FREE_NETWORK)
    public Map<String, Object> freeNetwork(NetworkRequest request) {
        Requests.body(request, NetworkDriverApi.FREE_NETWORK);
        return EMPTY;
    }

    /** Records the endpoint; returns only a MAC the service generated, never a field Docker set. */
    @POST
    @Path(NetworkDriverApi.CREATE_ENDPOINT)
    public CreateEndpointResponse createEndpoint(CreateEndpointRequest request) {
        CreateEndpointRequest r = Requests.body(request, NetworkDriverApi.CREATE_ENDPOINT);
        String nid = Requests.id(r.networkId(), "NetworkID", NetworkDriverApi.CREATE_ENDPOINT);
        String eid = Requests.id(r.endpointId(), "EndpointID", NetworkDriverApi.CREATE_ENDPOINT);
        String what = "endpoint " + eid + ": Interface.";
        Optional<IpPrefix> v4 = Requests.optionalCidr(r.iface().address(), what + "Address");
        Optional<IpPrefix> v6 = Requests.optionalCidr(r.iface().addressIpv6(), what + "AddressIPv6");
        Optional<MacAddress> mac = Requests.optionalMac(r.iface().macAddress(), what + "MacAddress");
        if (v4.isEmpty() && v6.isEmpty()) {
            throw Requests.invalid("endpoint " + eid + " has neither an IPv4 nor an IPv6 address");
        }
        NetworkService.EndpointGrant grant = services.cluster().createEndpoint(nid,
                new NetworkService.EndpointSpec(eid, v4, v6, mac));
        // Docker rejects any returned value for a field it already set, even an identical one.
        if (mac.isPresent() || grant == null || grant.assignedMac().isEmpty()) {
            return new CreateEndpointResponse(null);
        }
        return new CreateEndpointResponse(new EndpointInterfaceResponse(grant.assignedMac().get().toString()));
    }

    /** Always {@code {"Value":{}}}: an error here fails container starts in Docker 20.10–27.x. */
    @POST
    @Path(NetworkDriverApi.ENDPOINT_OPER_INFO)
    public EndpointOperInfoResponse endpointOperInfo(EndpointRequest request) {
        return new EndpointOperInfoResponse(EMPTY);
    }

    /** Removes the endpoint and its host-side veth; unknown IDs succeed. */
    @POST
    @Path(NetworkDriverApi.DELETE_ENDPOINT)
    public Map<String, Object> deleteEndpoint(EndpointRequest request) {
        EndpointRequest r = Requests.body(request, NetworkDriverApi.DELETE_ENDPOINT);
        services.cluster().deleteEndpoint(Requests.id(r.networkId(), "NetworkID", NetworkDriverApi.DELETE_ENDPOINT),
                Requests.id(r.endpointId(), "EndpointID", NetworkDriverApi.DELETE_ENDPOINT));
        return EMPTY;
    }

    /** Plumbs the veth and names the end Docker moves into the container. */
    @POST
    @Path(NetworkDriverApi.JOIN)
    public JoinResponse join(JoinRequest request) {
        JoinRequest r = Requests.body(request, NetworkDriverApi.JOIN);
        String nid = Requests.id(r.networkId(), "NetworkID", NetworkDriverApi.JOIN);
        String eid = Requests.id(r.endpointId(), "EndpointID", NetworkDriverApi.JOIN);
        String sandboxKey = r.sandboxKey() == null ? "" : r.sandboxKey();
        NetworkService.JoinResult res = services.cluster().join(nid, eid, sandboxKey);
        List<StaticRoute> routes = new ArrayList<>();
        for (NetworkService.StaticRoute sr : res.staticRoutes()) {
            routes.add(sr.nextHop().isPresent()
                    ? new StaticRoute(sr.destination().toString(), StaticRoute.NEXTHOP, sr.nextHop().get().toString())
                    : new StaticRoute(sr.destination().toString(), StaticRoute.CONNECTED, null));
        }
        return new JoinResponse(new InterfaceName(res.srcName(), res.dstPrefix()),
                res.gateway().map(IpAddress::toString).orElse(""),
                res.gatewayV6().map(IpAddress::toString).orElse(""),
                routes, res.disableGatewayService());
    }

    /** Undoes Join's forwarding state; the interface is still in the container. Unknown IDs succeed. */
    @POST
    @Path(NetworkDriverApi.LEAVE)
    public Map<String, Object> leave(EndpointRequest request) {
        EndpointRequest r = Requests.body(request, NetworkDriverApi.LEAVE);
        services.cluster().leave(Requests.id(r.networkId(), "NetworkID", NetworkDriverApi.LEAVE),
                Requests.id(r.endpointId(), "EndpointID", NetworkDriverApi.LEAVE));
        return EMPTY;
    }

    /** Node discovery hint (20.10 cluster store, swarm); peers really come from the store. */
    @POST
    @Path(NetworkDriverApi.DISCOVER_NEW)
    public Map<String, Object> discoverNew(DiscoveryNotification request) {
        return discovery(Requests.body(request, NetworkDriverApi.DISCOVER_NEW), true);
    }

    /** Node departure hint. */
    @POST
    @Path(NetworkDriverApi.DISCOVER_DELETE)
    public Map<String, Object> discoverDelete(DiscoveryNotification request) {
        return discovery(Requests.body(request, NetworkDriverApi.DISCOVER_DELETE), false);
    }

    private Map<String, Object> discovery(DiscoveryNotification n, boolean added) {
        if (n.discoveryType() != DiscoveryNotification.NODE_DISCOVERY || n.discoveryData() == null
                || n.discoveryData().address() == null || n.discoveryData().address().isBlank()) {
            return EMPTY;   // other types are filtered by Docker's proxy anyway
        }
        IpAddress addr = Requests.address(n.discoveryData().address(), "DiscoveryData.Address");
        services.cluster().nodeDiscovered(addr, n.discoveryData().self(), added);
        return EMPTY;
    }

    /** Port publishing is out of scope: an idempotent no-op. */
    @POST
    @Path(NetworkDriverApi.PROGRAM_EXTERNAL_CONNECTIVITY)
    public Map<String, Object> programExternalConnectivity(String ignoredBody) {
        return EMPTY;
    }

    /** Port publishing is out of scope: an idempotent no-op. */
    @POST
    @Path(NetworkDriverApi.REVOKE_EXTERNAL_CONNECTIVITY)
    public Map<String, Object> revokeExternalConnectivity(String ignoredBody) {
        return EMPTY;
    }

    /** Never advertised (GwAllocChecker absent), answered for robustness: always reserve gateways. */
    @POST
    @Path(NetworkDriverApi.GW_ALLOC_CHECK)
    public GwAllocCheckResponse gwAllocCheck(String ignoredBody) {
        return new GwAllocCheckResponse(false, false);
    }

    private static List<NetworkRecord.Pool> ipamData(String nid, String field, List<IpamData> data) {
        List<NetworkRecord.Pool> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            IpamData d = data.get(i);
            String what = "network " + nid + ": " + field + "[" + i + "].";
            if (d == null) {
                throw Requests.invalid(what.substring(0, what.length() - 1) + " is null");
            }
            IpPrefix pool = Requests.cidr(d.pool(), what + "Pool");
            Optional<IpPrefix> gw = Requests.optionalCidr(d.gateway(), what + "Gateway");
            Map<String, IpPrefix> aux = new LinkedHashMap<>();
            d.auxAddresses().forEach((k, v) -> aux.put(k, Requests.cidr(v, what + "AuxAddresses[" + k + "]")));
            out.add(NetworkRecord.Pool.of(d.addressSpace() == null ? "" : d.addressSpace(), pool, gw, aux));
        }
        return out;
    }
}
