package io.javaoverlay.server.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/**
 * Request and response bodies of Docker's remote NetworkDriver API, with Docker's exact JSON names
 * (Go field names, no tags). Requests tolerate unknown fields, {@code null} arrays and missing
 * objects; responses carry exactly the fields the protocol reference shows.
 */
public final class NetworkDriverMessages {
    private NetworkDriverMessages() {
    }

    /** {@code /NetworkDriver.GetCapabilities} response. */
    public record GetCapabilitiesResponse(@JsonProperty("Scope") String scope,
                                          @JsonProperty("ConnectivityScope") String connectivityScope) {
    }

    /** One element of {@code IPv4Data}/{@code IPv6Data}; {@code Gateway} and aux values are CIDR. */
    public record IpamData(@JsonProperty("AddressSpace") String addressSpace,
                           @JsonProperty("Pool") String pool,
                           @JsonProperty("Gateway") String gateway,
                           @JsonProperty("AuxAddresses") Map<String, String> auxAddresses) {
        public IpamData {
            auxAddresses = auxAddresses == null ? Map.of() : auxAddresses;
        }
    }

    /**
     * {@code /NetworkDriver.CreateNetwork} request, and also the body of
     * {@code /NetworkDriver.AllocateNetwork}: Docker sends the same shape to both (Go's
     * {@code CreateNetworkRequest} and {@code AllocateNetworkRequest}; the swarm manager's options
     * are flat strings, which this generic map holds as well).
     */
    public record CreateNetworkRequest(@JsonProperty("NetworkID") String networkId,
                                       @JsonProperty("Options") Map<String, Object> options,
                                       @JsonProperty("IPv4Data") List<IpamData> ipv4Data,
                                       @JsonProperty("IPv6Data") List<IpamData> ipv6Data) {
        public CreateNetworkRequest {
            options = options == null ? Map.of() : options;
            ipv4Data = ipv4Data == null ? List.of() : ipv4Data;
            ipv6Data = ipv6Data == null ? List.of() : ipv6Data;
        }
    }

    /** {@code DeleteNetwork} and {@code FreeNetwork} request. */
    public record NetworkRequest(@JsonProperty("NetworkID") String networkId) {
    }

    /** AllocateNetwork response: becomes every node's {@code com.docker.network.generic}. */
    public record AllocateNetworkResponse(@JsonProperty("Options") Map<String, String> options) {
    }

    /** The endpoint interface as Docker sends it: all three fields present, absent ones {@code ""}. */
    public record EndpointInterface(@JsonProperty("Address") String address,
                                    @JsonProperty("AddressIPv6") String addressIpv6,
                                    @JsonProperty("MacAddress") String macAddress) {
    }

    /** {@code /NetworkDriver.CreateEndpoint} request. */
    public record CreateEndpointRequest(@JsonProperty("NetworkID") String networkId,
                                        @JsonProperty("EndpointID") String endpointId,
                                        @JsonProperty("Interface") EndpointInterface iface,
                                        @JsonProperty("Options") Map<String, Object> options) {
        public CreateEndpointRequest {
            iface = iface == null ? new EndpointInterface("", "", "") : iface;
            options = options == null ? Map.of() : options;
        }
    }

    /** The only field javaoverlay ever fills in a CreateEndpoint response (never the addresses). */
    public record EndpointInterfaceResponse(@JsonProperty("MacAddress") String macAddress) {
    }

    /** CreateEndpoint response: {@code {}} or {@code {"Interface":{"MacAddress":"..."}}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CreateEndpointResponse(@JsonProperty("Interface") EndpointInterfaceResponse iface) {
    }

    /** EndpointOperInfo, DeleteEndpoint, Leave, RevokeExternalConnectivity requests. */
    public record EndpointRequest(@JsonProperty("NetworkID") String networkId,
                                  @JsonProperty("EndpointID") String endpointId) {
    }

    /** EndpointOperInfo response: always {@code {"Value":{}}} (Docker ignores its content). */
    public record EndpointOperInfoResponse(@JsonProperty("Value") Map<String, Object> value) {
    }

    /** {@code /NetworkDriver.Join} request; {@code Options} are the sandbox's, not the endpoint's. */
    public record JoinRequest(@JsonProperty("NetworkID") String networkId,
                              @JsonProperty("EndpointID") String endpointId,
                              @JsonProperty("SandboxKey") String sandboxKey,
                              @JsonProperty("Options") Map<String, Object> options) {
        public JoinRequest {
            options = options == null ? Map.of() : options;
        }
    }

    /** Join: the host interface Docker moves into the container and renames {@code DstPrefix}N. */
    public record InterfaceName(@JsonProperty("SrcName") String srcName,
                                @JsonProperty("DstPrefix") String dstPrefix) {
    }

    /** Join: {@code RouteType} 0 = via {@code NextHop}, 1 = on-link (no NextHop). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StaticRoute(@JsonProperty("Destination") String destination,
                              @JsonProperty("RouteType") int routeType,
                              @JsonProperty("NextHop") String nextHop) {
        /** Routed via {@code NextHop}. */
        public static final int NEXTHOP = 0;
        /** On-link, no {@code NextHop}. */
        public static final int CONNECTED = 1;
    }

    /** {@code /NetworkDriver.Join} response; gateways are bare IPs, {@code ""} for none. */
    public record JoinResponse(@JsonProperty("InterfaceName") InterfaceName interfaceName,
                               @JsonProperty("Gateway") String gateway,
                               @JsonProperty("GatewayIPv6") String gatewayIpv6,
                               @JsonProperty("StaticRoutes") List<StaticRoute> staticRoutes,
                               @JsonProperty("DisableGatewayService") boolean disableGatewayService) {
        public JoinResponse {
            staticRoutes = List.copyOf(staticRoutes);
        }
    }

    /** {@code /NetworkDriver.ProgramExternalConnectivity} request. */
    public record ProgramExternalConnectivityRequest(@JsonProperty("NetworkID") String networkId,
                                                     @JsonProperty("EndpointID") String endpointId,
                                                     @JsonProperty("Options") Map<String, Object> options) {
        public ProgramExternalConnectivityRequest {
            options = options == null ? Map.of() : options;
        }
    }

    /** DiscoverNew/DiscoverDelete request; only type 1 (node discovery) reaches remote drivers. */
    public record DiscoveryNotification(@JsonProperty("DiscoveryType") int discoveryType,
                                        @JsonProperty("DiscoveryData") NodeDiscoveryData discoveryData) {
        /** The only type Docker forwards to remote drivers. */
        public static final int NODE_DISCOVERY = 1;
    }

    /** Node discovery payload; the wire names are {@code Address}, {@code BindAddress}, {@code Self}. */
    public record NodeDiscoveryData(@JsonProperty("Address") String address,
                                    @JsonProperty("BindAddress") String bindAddress,
                                    @JsonProperty("Self") boolean self) {
    }

    /** {@code /NetworkDriver.GwAllocCheck} request (v28+, only if advertised; we never advertise it). */
    public record GwAllocCheckRequest(@JsonProperty("Options") Map<String, Object> options) {
    }

    /** GwAllocCheck response: javaoverlay always wants Docker to reserve gateways. */
    public record GwAllocCheckResponse(@JsonProperty("SkipIPv4") boolean skipIpv4,
                                       @JsonProperty("SkipIPv6") boolean skipIpv6) {
    }
}
