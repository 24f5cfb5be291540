package io.javaoverlay.server.resource;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.ipam.IpamService.AddressKind;
import io.javaoverlay.server.protocol.IpamDriverApi;
import io.javaoverlay.server.protocol.IpamDriverMessages.GetCapabilitiesResponse;
import io.javaoverlay.server.protocol.IpamDriverMessages.GetDefaultAddressSpacesResponse;
import io.javaoverlay.server.protocol.IpamDriverMessages.ReleaseAddressRequest;
import io.javaoverlay.server.protocol.IpamDriverMessages.ReleasePoolRequest;
import io.javaoverlay.server.protocol.IpamDriverMessages.RequestAddressRequest;
import io.javaoverlay.server.protocol.IpamDriverMessages.RequestAddressResponse;
import io.javaoverlay.server.protocol.IpamDriverMessages.RequestPoolRequest;
import io.javaoverlay.server.protocol.IpamDriverMessages.RequestPoolResponse;
import io.javaoverlay.server.protocol.Json;
import io.javaoverlay.server.protocol.OptionMaps;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Docker's remote IpamDriver API, delegating to {@link IpamService}. The capability and
 * address-space calls answer from static settings (they must work while the store is down).
 */
@Path("/")
@Produces(Json.DOCKER_PLUGIN_JSON)
public final class IpamDriverResource {
    private static final GetCapabilitiesResponse CAPABILITIES = new GetCapabilitiesResponse(false, false);

    private final Services services;
    private final DriverSettings settings;

    /** Constructor injection: the services (possibly not ready yet) and the static answers. */
    public IpamDriverResource(Services services, DriverSettings settings) {
        this.services = Objects.requireNonNull(services, "services");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** No MAC needed, no replay: state lives in the store. */
    @POST
    @Path(IpamDriverApi.GET_CAPABILITIES)
    public GetCapabilitiesResponse getCapabilities() {
        return CAPABILITIES;
    }

    /** Static names; also called before every RequestPool from Docker 27. */
    @POST
    @Path(IpamDriverApi.GET_DEFAULT_ADDRESS_SPACES)
    public GetDefaultAddressSpacesResponse getDefaultAddressSpaces() {
        return new GetDefaultAddressSpacesResponse(settings.localAddressSpace(), settings.globalAddressSpace());
    }

    /** Claims a pool cluster-wide (or picks the next free default pool when {@code Pool} is empty). */
    @POST
    @Path(IpamDriverApi.REQUEST_POOL)
    public RequestPoolResponse requestPool(RequestPoolRequest request) {
        RequestPoolRequest r = Requests.body(request, IpamDriverApi.REQUEST_POOL);
        Optional<IpPrefix> pool = Requests.optionalCidr(r.pool(), "pool");
        Optional<IpPrefix> subPool = Requests.optionalCidr(r.subPool(), "sub-pool (--ip-range)");
        if (subPool.isPresent() && pool.isEmpty()) {
            throw Requests.invalid("sub-pool (--ip-range) " + subPool.get() + " needs an explicit pool (--subnet)");
        }
        String space = r.addressSpace() == null ? "" : r.addressSpace();
        IpamService.PoolGrant grant = services.ipam().requestPool(
                new IpamService.PoolRequest(space, pool, subPool, OptionMaps.flatten(r.options()), r.v6()));
        return new RequestPoolResponse(grant.poolId(), grant.pool().toString(), grant.data());
    }

    /** Releases a pool; unknown IDs succeed. */
    @POST
    @Path(IpamDriverApi.RELEASE_POOL)
    public Map<String, Object> releasePool(ReleasePoolRequest request) {
        ReleasePoolRequest r = Requests.body(request, IpamDriverApi.RELEASE_POOL);
        services.ipam().releasePool(Requests.token(r.poolId(), "PoolID", IpamDriverApi.RELEASE_POOL));
        return Map.of();
    }

    /** Allocates the gateway ({@code RequestAddressType=com.docker.network.gateway}) or an address. */
    @POST
    @Path(IpamDriverApi.REQUEST_ADDRESS)
    public RequestAddressResponse requestAddress(RequestAddressRequest request) {
        RequestAddressRequest r = Requests.body(request, IpamDriverApi.REQUEST_ADDRESS);
        String poolId = Requests.token(r.poolId(), "PoolID", IpamDriverApi.REQUEST_ADDRESS);
        Optional<IpAddress> address = r.address() == null || r.address().isBlank() ? Optional.empty()
                : Optional.of(Requests.address(r.address(), "requested address"));
        Map<String, String> options = OptionMaps.flatten(r.options());
        AddressKind kind = OptionMaps.GATEWAY_TYPE.equals(options.get(OptionMaps.REQUEST_ADDRESS_TYPE))
                ? AddressKind.GATEWAY : AddressKind.ORDINARY;
        IpamService.AddressGrant grant = services.ipam().requestAddress(
                new IpamService.AddressRequest(poolId, address, kind, options));
        return new RequestAddressResponse(grant.address().toString(), Map.of());
    }

    /** Releases an address (bare IP); unknown pools and free addresses succeed. */
    @POST
    @Path(IpamDriverApi.RELEASE_ADDRESS)
    public Map<String, Object> releaseAddress(ReleaseAddressRequest request) {
        ReleaseAddressRequest r = Requests.body(request, IpamDriverApi.RELEASE_ADDRESS);
        String poolId = Requests.token(r.poolId(), "PoolID", IpamDriverApi.RELEASE_ADDRESS);
        IpAddress address = Requests.address(r.address(), "released address");
        services.cluster().releaseAddress(poolId, address);
        return Map.of();
    }
}
