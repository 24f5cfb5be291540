package io.javaoverlay.server;

import io.javaoverlay.ipam.IpamService;
import io.javaoverlay.server.protocol.IpamDriverApi;
import io.javaoverlay.server.protocol.NetworkDriverApi;
import io.javaoverlay.server.protocol.PluginApi;
import io.javaoverlay.server.testing.FakeIpamService;
import io.javaoverlay.server.testing.FakeClusterService;
import io.javaoverlay.server.testing.FakePlugin;
import io.javaoverlay.server.testing.PluginSocket;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.NetworkService;
import io.javaoverlay.vxlan.state.NetworkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin API over a real Unix socket with fake services: Docker's call sequence (protocol
 * reference Appendix A) byte for byte, and the boundary conversion into domain values.
 */
class PluginSocketTest {
    @RegisterExtension
    final FakePlugin fake = FakePlugin.direct("plugins/javaoverlay.sock", 1 << 20);
    final FakeIpamService ipam = fake.ipam;
    final FakeClusterService network = fake.network;

    Response post(String path, String body) throws Exception {
        return fake.plugin().post(path, body);
    }

    void expect(String path, String body, String response) throws Exception {
        Response r = post(path, body);
        assertEquals(200, r.status(), path + " -> " + r);
        assertEquals(response, r.body(), path);
        assertEquals(PluginSocket.DOCKER_JSON, r.header("content-type"), path);
    }

    @Test
    void appendixATranscript() throws Exception {
        expect("/" + PluginApi.ACTIVATE, "", "{\"Implements\":[\"NetworkDriver\",\"IpamDriver\"]}");
        expect("/" + NetworkDriverApi.GET_CAPABILITIES, "", "{\"Scope\":\"local\",\"ConnectivityScope\":\"global\"}");
        expect("/" + IpamDriverApi.GET_CAPABILITIES, "", "{\"RequiresMACAddress\":false,\"RequiresRequestReplay\":false}");
        expect("/" + IpamDriverApi.GET_DEFAULT_ADDRESS_SPACES, "",
                "{\"LocalDefaultAddressSpace\":\"JavaOverlayLocal\",\"GlobalDefaultAddressSpace\":\"JavaOverlayGlobal\"}");
        expect("/" + IpamDriverApi.REQUEST_POOL, "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.20.0.0/24\",\"SubPool\":\"\","
                + "\"Options\":{\"javaoverlay.network\":\"blue\"},\"V6\":false}\n",
                "{\"PoolID\":\"jo/blue/10.20.0.0/24\",\"Pool\":\"10.20.0.0/24\",\"Data\":{}}");
        assertEquals(new IpamService.PoolRequest("JavaOverlayLocal", Optional.of(IpPrefix.parse("10.20.0.0/24")), Optional.empty(),
                Map.of("javaoverlay.network", "blue"), false), ipam.calls.get(0));
        expect("/" + IpamDriverApi.REQUEST_ADDRESS, "{\"PoolID\":\"jo/blue/10.20.0.0/24\",\"Address\":\"\",\"Options\":"
                + "{\"RequestAddressType\":\"com.docker.network.gateway\"}}\n", "{\"Address\":\"10.20.0.1/24\",\"Data\":{}}");
        assertEquals(IpamService.AddressKind.GATEWAY, ((IpamService.AddressRequest) ipam.calls.get(1)).kind());
        expect("/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\":\"nid\",\"Options\":{\"com.docker.network.enable_ipv6\":false,"
                + "\"com.docker.network.generic\":{\"javaoverlay.network\":\"blue\"}},\"IPv4Data\":[{\"AddressSpace\":\"JavaOverlayLocal\","
                + "\"Gateway\":\"10.20.0.1/24\",\"Pool\":\"10.20.0.0/24\"}],\"IPv6Data\":[]}\n", "{}");
        assertEquals(new NetworkService.NetworkSpec("nid", List.of(NetworkRecord.Pool.of("JavaOverlayLocal",
                        IpPrefix.parse("10.20.0.0/24"), Optional.of(IpPrefix.parse("10.20.0.1/24")), Map.of())), List.of(),
                Map.of("javaoverlay.network", "blue"), false, false), network.calls.get(0));
        expect("/" + IpamDriverApi.REQUEST_ADDRESS, "{\"PoolID\":\"jo/blue/10.20.0.0/24\",\"Address\":\"\",\"Options\":null}\n",
                "{\"Address\":\"10.20.0.2/24\",\"Data\":{}}");
        assertEquals(IpamService.AddressKind.ORDINARY, ((IpamService.AddressRequest) ipam.calls.get(2)).kind());
        expect("/" + NetworkDriverApi.CREATE_ENDPOINT, "{\"NetworkID\":\"nid\",\"EndpointID\":\"eid\",\"Interface\":{\"Address\":\"10.20.0.2/24\","
                + "\"AddressIPv6\":\"\",\"MacAddress\":\"\"},\"Options\":{\"com.docker.network.endpoint.exposedports\":[],"
                + "\"com.docker.network.portmap\":[]}}\n", "{\"Interface\":{\"MacAddress\":\"02:42:0a:14:00:02\"}}");
        assertEquals(new FakeClusterService.CreateEndpoint("nid", new NetworkService.EndpointSpec("eid",
                Optional.of(IpPrefix.parse("10.20.0.2/24")), Optional.empty(), Optional.empty())), network.calls.get(1));
        expect("/" + NetworkDriverApi.JOIN, "{\"NetworkID\":\"nid\",\"EndpointID\":\"eid\",\"SandboxKey\":\"/var/run/docker/netns/0123456789ab\","
                + "\"Options\":{\"com.docker.network.endpoint.exposedports\":[],\"com.docker.network.portmap\":[]}}\n",
                "{\"InterfaceName\":{\"SrcName\":\"jo1a2b3c4d\",\"DstPrefix\":\"eth\"},\"Gateway\":\"\",\"GatewayIPv6\":\"\","
                + "\"StaticRoutes\":[],\"DisableGatewayService\":false}");
        assertEquals("join nid eid /var/run/docker/netns/0123456789ab", network.calls.get(2));
        expect("/" + NetworkDriverApi.ENDPOINT_OPER_INFO, "{\"NetworkID\":\"nid\",\"EndpointID\":\"eid\"}\n", "{\"Value\":{}}");
        expect("/" + NetworkDriverApi.LEAVE, "{\"NetworkID\":\"nid\",\"EndpointID\":\"eid\"}\n", "{}");
        expect("/" + NetworkDriverApi.DELETE_ENDPOINT, "{\"NetworkID\":\"nid\",\"EndpointID\":\"eid\"}\n", "{}");
        expect("/" + IpamDriverApi.RELEASE_ADDRESS, "{\"PoolID\":\"jo/blue/10.20.0.0/24\",\"Address\":\"10.20.0.2\"}\n", "{}");
        expect("/" + IpamDriverApi.RELEASE_ADDRESS, "{\"PoolID\":\"jo/blue/10.20.0.0/24\",\"Address\":\"10.20.0.1\"}\n", "{}");
        expect("/" + IpamDriverApi.RELEASE_POOL, "{\"PoolID\":\"jo/blue/10.20.0.0/24\"}\n", "{}");
        expect("/" + NetworkDriverApi.DELETE_NETWORK, "{\"NetworkID\":\"nid\"}\n", "{}");
        assertEquals(List.of("leave nid eid", "deleteEndpoint nid eid", "deleteNetwork nid"), network.calls.subList(3, 6));
        assertEquals(List.of("releaseAddress jo/blue/10.20.0.0/24 10.20.0.2", "releaseAddress jo/blue/10.20.0.0/24 10.20.0.1",
                "releasePool jo/blue/10.20.0.0/24"), ipam.calls.subList(3, 6));
    }

    @Test
    void createEndpointNeverReturnsWhatDockerSet() throws Exception {
        expect("/" + NetworkDriverApi.CREATE_ENDPOINT, "{\"NetworkID\":\"nid\",\"EndpointID\":\"eid\",\"Interface\":{\"Address\":\"10.20.0.5/24\","
                + "\"AddressIPv6\":\"fd00::5/64\",\"MacAddress\":\"02:42:AA:bb:cc:dd\"},\"Options\":{}}\n", "{}");
        assertEquals(new FakeClusterService.CreateEndpoint("nid", new NetworkService.EndpointSpec("eid",
                Optional.of(IpPrefix.parse("10.20.0.5/24")), Optional.of(IpPrefix.parse("fd00::5/64")),
                Optional.of(MacAddress.parse("02:42:aa:bb:cc:dd")))), network.calls.get(0));
    }

    @Test
    void joinWithGatewayAndRoutes() throws Exception {
        network.joinResult = new NetworkService.JoinResult("jo-abc", "eth", Optional.of(IpAddress.parse("10.20.0.1")),
                Optional.empty(), List.of(new NetworkService.StaticRoute(IpPrefix.parse("10.99.0.0/16"),
                        Optional.of(IpAddress.parse("10.20.0.254"))), new NetworkService.StaticRoute(IpPrefix.parse("10.98.0.0/16"),
                        Optional.empty())), true);
        expect("/" + NetworkDriverApi.JOIN, "{\"NetworkID\":\"nid\",\"EndpointID\":\"eid\",\"SandboxKey\":\"/k\"}",
                "{\"InterfaceName\":{\"SrcName\":\"jo-abc\",\"DstPrefix\":\"eth\"},\"Gateway\":\"10.20.0.1\",\"GatewayIPv6\":\"\","
                + "\"StaticRoutes\":[{\"Destination\":\"10.99.0.0/16\",\"RouteType\":0,\"NextHop\":\"10.20.0.254\"},"
                + "{\"Destination\":\"10.98.0.0/16\",\"RouteType\":1}],\"DisableGatewayService\":true}");
    }

    @Test
    void staticAndNoOpEndpoints() throws Exception {
        expect("/" + NetworkDriverApi.ALLOCATE_NETWORK, "{\"NetworkID\":\"q1\",\"Options\":{\"javaoverlay.vni\":\"4242\",\"x\":\"y\"},"
                + "\"IPv4Data\":[{\"AddressSpace\":\"\",\"Pool\":\"10.30.0.0/24\",\"Gateway\":\"10.30.0.1/24\"}],\"IPv6Data\":null}\n",
                "{\"Options\":{\"javaoverlay.vni\":\"4242\",\"x\":\"y\"}}");
        expect("/" + NetworkDriverApi.FREE_NETWORK, "{\"NetworkID\":\"q1\"}\n", "{}");
        expect("/" + NetworkDriverApi.PROGRAM_EXTERNAL_CONNECTIVITY, "{\"NetworkID\":\"n\",\"EndpointID\":\"e\",\"Options\":{}}\n", "{}");
        expect("/" + NetworkDriverApi.REVOKE_EXTERNAL_CONNECTIVITY, "{\"NetworkID\":\"n\",\"EndpointID\":\"e\"}\n", "{}");
        expect("/" + NetworkDriverApi.GW_ALLOC_CHECK, "{\"Options\":{\"com.docker.network.generic\":{}}}\n",
                "{\"SkipIPv4\":false,\"SkipIPv6\":false}");
        expect("/" + NetworkDriverApi.DISCOVER_NEW, "{\"DiscoveryType\":1,\"DiscoveryData\":{\"Address\":\"192.168.56.12\",\"BindAddress\":\"\","
                + "\"Self\":false}}\n", "{}");
        expect("/" + NetworkDriverApi.DISCOVER_DELETE, "{\"DiscoveryType\":1,\"DiscoveryData\":{\"Address\":\"192.168.56.12\",\"BindAddress\":\"\","
                + "\"Self\":true}}\n", "{}");
        expect("/" + NetworkDriverApi.DISCOVER_NEW, "{\"DiscoveryType\":2,\"DiscoveryData\":{}}\n", "{}");
        assertEquals(List.of("discovered 192.168.56.12 self=false added=true", "discovered 192.168.56.12 self=true added=false"),
                network.calls);
    }

    @Test
    void unknownIdsOnIdempotentEndpointsAnswerEmpty() throws Exception {
        expect("/" + NetworkDriverApi.DELETE_NETWORK, "{\"NetworkID\":\"never-seen\"}", "{}");
        expect("/" + NetworkDriverApi.DELETE_ENDPOINT, "{\"NetworkID\":\"never-seen\",\"EndpointID\":\"nope\"}", "{}");
        expect("/" + NetworkDriverApi.LEAVE, "{\"NetworkID\":\"never-seen\",\"EndpointID\":\"nope\"}", "{}");
        expect("/" + NetworkDriverApi.ENDPOINT_OPER_INFO, "{\"NetworkID\":\"never-seen\",\"EndpointID\":\"nope\"}", "{\"Value\":{}}");
        expect("/" + NetworkDriverApi.ENDPOINT_OPER_INFO, "", "{\"Value\":{}}");
        // The IPAM's answers to unknown and malformed pool IDs are pinned against the real IPAM: IpamProtocolTest.
        expect("/" + NetworkDriverApi.FREE_NETWORK, "{\"NetworkID\":\"never-seen\"}", "{}");
    }

    @Test
    void globalScopeIsReported() throws Exception {
        fake.plugin().restart(fake.services(), "global", 1 << 20);
        expect("/" + NetworkDriverApi.GET_CAPABILITIES, "", "{\"Scope\":\"global\",\"ConnectivityScope\":\"global\"}");
        assertTrue(ipam.calls.isEmpty() && network.calls.isEmpty());
    }
}
