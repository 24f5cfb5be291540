package io.javaoverlay.server.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.server.protocol.IpamDriverMessages.GetCapabilitiesResponse;
import io.javaoverlay.server.protocol.IpamDriverMessages.GetDefaultAddressSpacesResponse;
import io.javaoverlay.server.protocol.IpamDriverMessages.ReleaseAddressRequest;
import io.javaoverlay.server.protocol.IpamDriverMessages.ReleasePoolRequest;
import io.javaoverlay.server.protocol.IpamDriverMessages.RequestAddressRequest;
import io.javaoverlay.server.protocol.IpamDriverMessages.RequestAddressResponse;
import io.javaoverlay.server.protocol.IpamDriverMessages.RequestPoolRequest;
import io.javaoverlay.server.protocol.IpamDriverMessages.RequestPoolResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.AllocateNetworkResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.CreateEndpointRequest;
import io.javaoverlay.server.protocol.NetworkDriverMessages.CreateEndpointResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.CreateNetworkRequest;
import io.javaoverlay.server.protocol.NetworkDriverMessages.DiscoveryNotification;
import io.javaoverlay.server.protocol.NetworkDriverMessages.EndpointInterfaceResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.EndpointOperInfoResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.EndpointRequest;
import io.javaoverlay.server.protocol.NetworkDriverMessages.GwAllocCheckResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.InterfaceName;
import io.javaoverlay.server.protocol.NetworkDriverMessages.JoinRequest;
import io.javaoverlay.server.protocol.NetworkDriverMessages.JoinResponse;
import io.javaoverlay.server.protocol.NetworkDriverMessages.NetworkRequest;
import io.javaoverlay.server.protocol.NetworkDriverMessages.StaticRoute;
import io.javaoverlay.server.protocol.PluginMessages.ActivateResponse;
import io.javaoverlay.server.protocol.PluginMessages.ErrorResponse;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Golden JSON: request bodies exactly as Docker sends them (protocol reference, Appendix A and §2/§3,
 * including the trailing newline of Go's json.Encoder) parse into the DTOs; responses serialise to
 * exact bytes.
 */
class ProtocolJsonTest {
    private final ObjectMapper json = Json.newMapper();

    private <T> T read(String body, Class<T> type) throws Exception {
        return json.readValue(body, type);
    }

    private String write(Object value) throws Exception {
        return json.writeValueAsString(value);
    }

    @Test
    void createNetworkFromAppendixA() throws Exception {
        CreateNetworkRequest r = read("{\"NetworkID\":\"nid1\",\"Options\":{\"com.docker.network.enable_ipv6\":false,"
                + "\"com.docker.network.generic\":{\"javaoverlay.network\":\"blue\"}},\"IPv4Data\":[{\"AddressSpace\":\"JavaOverlayLocal\","
                + "\"Gateway\":\"10.20.0.1/24\",\"Pool\":\"10.20.0.0/24\"}],\"IPv6Data\":[]}\n", CreateNetworkRequest.class);
        assertEquals("nid1", r.networkId());
        assertEquals(Map.of("javaoverlay.network", "blue"), OptionMaps.nested(r.options(), OptionMaps.GENERIC));
        assertFalse(OptionMaps.flag(r.options(), OptionMaps.ENABLE_IPV6));
        assertEquals(1, r.ipv4Data().size());
        assertEquals("10.20.0.0/24", r.ipv4Data().get(0).pool());
        assertEquals("10.20.0.1/24", r.ipv4Data().get(0).gateway());
        assertEquals("JavaOverlayLocal", r.ipv4Data().get(0).addressSpace());
        assertEquals(Map.of(), r.ipv4Data().get(0).auxAddresses());
        assertEquals(List.of(), r.ipv6Data());
    }

    @Test
    void createNetworkWithAuxAddressesInternalAndNewerDockerFields() throws Exception {
        CreateNetworkRequest r = read("{\"NetworkID\":\"n\",\"Options\":{\"com.docker.network.enable_ipv4\":true,"
                + "\"com.docker.network.enable_ipv6\":true,\"com.docker.network.internal\":true,"
                + "\"com.docker.network.generic\":{\"javaoverlay.vni\":\"4242\",\"com.docker.network.driver.mtu\":\"1450\"}},"
                + "\"IPv4Data\":[{\"AddressSpace\":\"JavaOverlayGlobal\",\"AuxAddresses\":{\"vtep\":\"10.20.0.250/24\"},"
                + "\"Pool\":\"10.20.0.0/24\"}],\"IPv6Data\":null,\"SomethingNew\":{\"x\":[1,2]}}\n", CreateNetworkRequest.class);
        assertTrue(OptionMaps.flag(r.options(), OptionMaps.INTERNAL));
        assertTrue(OptionMaps.flag(r.options(), OptionMaps.ENABLE_IPV6));
        assertEquals("4242", OptionMaps.nested(r.options(), OptionMaps.GENERIC).get("javaoverlay.vni"));
        assertEquals(Map.of("vtep", "10.20.0.250/24"), r.ipv4Data().get(0).auxAddresses());
        assertEquals(null, r.ipv4Data().get(0).gateway());
        assertEquals(List.of(), r.ipv6Data(), "null IPv6Data reads as empty");
    }

    @Test
    void allocateNetworkFromSwarm() throws Exception {
        CreateNetworkRequest r = read("{\"NetworkID\":\"q1w2e3\",\"Options\":{\"javaoverlay.vni\":\"4242\"},"
                + "\"IPv4Data\":[{\"AddressSpace\":\"\",\"Pool\":\"10.30.0.0/24\",\"Gateway\":\"10.30.0.1/24\"}],\"IPv6Data\":null}\n",
                CreateNetworkRequest.class);
        assertEquals(Map.of("javaoverlay.vni", "4242"), OptionMaps.flatten(r.options()));
        assertEquals(List.of(), r.ipv6Data());
        assertEquals("{\"Options\":{\"javaoverlay.vni\":\"4242\"}}",
                write(new AllocateNetworkResponse(OptionMaps.flatten(r.options()))));
    }

    @Test
    void createEndpointWithGenericOptionValues() throws Exception {
        CreateEndpointRequest r = read("{\"NetworkID\":\"nid\",\"EndpointID\":\"eid\",\"Interface\":{\"Address\":\"10.20.0.2/24\","
                + "\"AddressIPv6\":\"\",\"MacAddress\":\"\"},\"Options\":{\"com.docker.network.endpoint.exposedports\":"
                + "[{\"Proto\":6,\"Port\":80}],\"com.docker.network.portmap\":[],\"com.docker.network.endpoint.macaddress\":\"AkIKFAAF\","
                + "\"com.docker.network.endpoint.dnsservers\":[\"1.1.1.1\"],\"nested\":{\"a\":1.5,\"b\":null}}}\n",
                CreateEndpointRequest.class);
        assertEquals("10.20.0.2/24", r.iface().address());
        assertEquals("", r.iface().macAddress());
        Map<String, String> flat = OptionMaps.flatten(r.options());
        assertEquals("[{\"Proto\":6,\"Port\":80}]", flat.get("com.docker.network.endpoint.exposedports"));
        assertEquals("[]", flat.get("com.docker.network.portmap"));
        assertEquals("{\"a\":1.5,\"b\":null}", flat.get("nested"));
    }

    @Test
    void createEndpointWithoutInterfaceOrOptions() throws Exception {
        CreateEndpointRequest r = read("{\"NetworkID\":\"nid\",\"EndpointID\":\"eid\",\"Interface\":null}", CreateEndpointRequest.class);
        assertEquals("", r.iface().address());
        assertEquals(Map.of(), r.options());
    }

    @Test
    void joinAndSmallRequests() throws Exception {
        JoinRequest j = read("{\"NetworkID\":\"nid\",\"EndpointID\":\"eid\",\"SandboxKey\":\"/var/run/docker/netns/0123456789ab\","
                + "\"Options\":{\"com.docker.network.endpoint.exposedports\":[],\"com.docker.network.portmap\":[]}}\n", JoinRequest.class);
        assertEquals("/var/run/docker/netns/0123456789ab", j.sandboxKey());
        EndpointRequest e = read("{\"NetworkID\":\"nid\",\"EndpointID\":\"eid\"}\n", EndpointRequest.class);
        assertEquals("eid", e.endpointId());
        assertEquals("nid", read("{\"NetworkID\":\"nid\"}\n", NetworkRequest.class).networkId());
        DiscoveryNotification d = read("{\"DiscoveryType\":1,\"DiscoveryData\":{\"Address\":\"192.168.56.12\",\"BindAddress\":\"\","
                + "\"Self\":false}}\n", DiscoveryNotification.class);
        assertEquals(1, d.discoveryType());
        assertEquals("192.168.56.12", d.discoveryData().address());
        assertFalse(d.discoveryData().self());
    }

    @Test
    void ipamRequests() throws Exception {
        RequestPoolRequest p = read("{\"AddressSpace\":\"JavaOverlayGlobal\",\"Pool\":\"10.20.0.0/24\",\"SubPool\":\"10.20.0.128/25\","
                + "\"Options\":{\"javaoverlay.pool\":\"blue\"},\"V6\":false}\n", RequestPoolRequest.class);
        assertEquals("10.20.0.128/25", p.subPool());
        assertEquals(Map.of("javaoverlay.pool", "blue"), OptionMaps.flatten(p.options()));
        RequestPoolRequest noOpts = read("{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"\",\"SubPool\":\"\",\"Options\":null,\"V6\":true}\n",
                RequestPoolRequest.class);
        assertEquals(Map.of(), noOpts.options());
        assertTrue(noOpts.v6());
        RequestAddressRequest a = read("{\"PoolID\":\"JavaOverlayGlobal/10.20.0.0/24\",\"Address\":\"\",\"Options\":"
                + "{\"RequestAddressType\":\"com.docker.network.gateway\"}}\n", RequestAddressRequest.class);
        assertEquals(OptionMaps.GATEWAY_TYPE, OptionMaps.flatten(a.options()).get(OptionMaps.REQUEST_ADDRESS_TYPE));
        RequestAddressRequest v29 = read("{\"PoolID\":\"p\",\"Address\":\"10.20.0.9\",\"Options\":"
                + "{\"com.docker.network.endpoint.name\":\"web\"}}\n", RequestAddressRequest.class);
        assertEquals("10.20.0.9", v29.address());
        assertEquals("p", read("{\"PoolID\":\"p\"}\n", ReleasePoolRequest.class).poolId());
        ReleaseAddressRequest ra = read("{\"PoolID\":\"p\",\"Address\":\"10.20.0.2\"}\n", ReleaseAddressRequest.class);
        assertEquals("10.20.0.2", ra.address());
    }

    @Test
    void responsesSerialiseToExactBytes() throws Exception {
        assertEquals("{\"Implements\":[\"NetworkDriver\",\"IpamDriver\"]}",
                write(new ActivateResponse(List.of("NetworkDriver", "IpamDriver"))));
        assertEquals("{\"Scope\":\"local\",\"ConnectivityScope\":\"global\"}",
                write(new NetworkDriverMessages.GetCapabilitiesResponse("local", "global")));
        assertEquals("{\"RequiresMACAddress\":false,\"RequiresRequestReplay\":false}", write(new GetCapabilitiesResponse(false, false)));
        assertEquals("{\"LocalDefaultAddressSpace\":\"JavaOverlayLocal\",\"GlobalDefaultAddressSpace\":\"JavaOverlayGlobal\"}",
                write(new GetDefaultAddressSpacesResponse("JavaOverlayLocal", "JavaOverlayGlobal")));
        assertEquals("{\"PoolID\":\"jo/blue/10.20.0.0/24\",\"Pool\":\"10.20.0.0/24\",\"Data\":{}}",
                write(new RequestPoolResponse("jo/blue/10.20.0.0/24", "10.20.0.0/24", Map.of())));
        assertEquals("{\"Address\":\"10.20.0.1/24\",\"Data\":{}}", write(new RequestAddressResponse("10.20.0.1/24", Map.of())));
        assertEquals("{}", write(new CreateEndpointResponse(null)));
        assertEquals("{\"Interface\":{\"MacAddress\":\"02:42:0a:14:00:02\"}}",
                write(new CreateEndpointResponse(new EndpointInterfaceResponse("02:42:0a:14:00:02"))));
        assertEquals("{\"Value\":{}}", write(new EndpointOperInfoResponse(Map.of())));
        assertEquals("{\"InterfaceName\":{\"SrcName\":\"jo1a2b3c4d\",\"DstPrefix\":\"eth\"},\"Gateway\":\"\",\"GatewayIPv6\":\"\","
                        + "\"StaticRoutes\":[],\"DisableGatewayService\":false}",
                write(new JoinResponse(new InterfaceName("jo1a2b3c4d", "eth"), "", "", List.of(), false)));
        assertEquals("{\"InterfaceName\":{\"SrcName\":\"x\",\"DstPrefix\":\"eth\"},\"Gateway\":\"10.20.0.1\",\"GatewayIPv6\":\"\","
                        + "\"StaticRoutes\":[{\"Destination\":\"10.99.0.0/16\",\"RouteType\":0,\"NextHop\":\"10.20.0.254\"},"
                        + "{\"Destination\":\"10.98.0.0/16\",\"RouteType\":1}],\"DisableGatewayService\":true}",
                write(new JoinResponse(new InterfaceName("x", "eth"), "10.20.0.1", "",
                        List.of(new StaticRoute("10.99.0.0/16", 0, "10.20.0.254"), new StaticRoute("10.98.0.0/16", 1, null)), true)));
        assertEquals("{\"SkipIPv4\":false,\"SkipIPv6\":false}", write(new GwAllocCheckResponse(false, false)));
        assertEquals("{\"Err\":\"pool 10.20.0.0/24 overlaps\"}", write(new ErrorResponse("pool 10.20.0.0/24 overlaps")));
        assertEquals("{}", write(Map.of()));
    }

    @Test
    void optionMapsKeepOrderAndStringifyNonStrings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "x");
        m.put("b", true);
        m.put("n", 42);
        m.put("nul", null);
        assertEquals("{s=x, b=true, n=42}", OptionMaps.flatten(m).toString());
        assertEquals(Map.of(), OptionMaps.nested(m, "missing"));
        assertEquals(Map.of(), OptionMaps.nested(null, OptionMaps.GENERIC));
        assertTrue(OptionMaps.flag(Map.of("f", "true"), "f"));
    }

    /** The values of a class's String constants, in declaration order. */
    private static List<String> constants(Class<?> api) throws IllegalAccessException {
        List<String> out = new java.util.ArrayList<>();
        for (java.lang.reflect.Field f : api.getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                out.add((String) f.get(null));
            }
        }
        return out;
    }

    /**
     * The one place where tests spell Docker's endpoint names: every path constant, exactly as
     * Docker's plugin client posts it (protocol doc sections 1.3, 2, 3). Everything else uses the
     * constants, so a typo there fails here.
     */
    @Test
    void endpointPathsAreDockersNames() throws Exception {
        assertEquals(List.of("Plugin.Activate"), constants(PluginApi.class));
        assertEquals(List.of("NetworkDriver.GetCapabilities", "NetworkDriver.CreateNetwork", "NetworkDriver.DeleteNetwork",
                "NetworkDriver.AllocateNetwork", "NetworkDriver.FreeNetwork", "NetworkDriver.CreateEndpoint",
                "NetworkDriver.EndpointOperInfo", "NetworkDriver.DeleteEndpoint", "NetworkDriver.Join", "NetworkDriver.Leave",
                "NetworkDriver.DiscoverNew", "NetworkDriver.DiscoverDelete", "NetworkDriver.ProgramExternalConnectivity",
                "NetworkDriver.RevokeExternalConnectivity", "NetworkDriver.GwAllocCheck"), constants(NetworkDriverApi.class));
        assertEquals(List.of("IpamDriver.GetCapabilities", "IpamDriver.GetDefaultAddressSpaces", "IpamDriver.RequestPool",
                "IpamDriver.ReleasePool", "IpamDriver.RequestAddress", "IpamDriver.ReleaseAddress"),
                constants(IpamDriverApi.class));
    }
}
