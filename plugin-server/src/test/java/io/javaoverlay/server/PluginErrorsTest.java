package io.javaoverlay.server;

import io.javaoverlay.server.protocol.IpamDriverApi;
import io.javaoverlay.server.protocol.NetworkDriverApi;
import io.javaoverlay.server.testing.FakeIpamService;
import io.javaoverlay.server.testing.FakeClusterService;
import io.javaoverlay.server.testing.FakePlugin;
import io.javaoverlay.server.testing.PluginSocket;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import io.javaoverlay.types.OverlayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;

import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every error kind, over the socket: exact status, content type and {@code {"Err":...}} body; and
 * after each one the daemon still answers.
 */
class PluginErrorsTest {
    @RegisterExtension
    final FakePlugin fake = FakePlugin.gated(4096);
    final FakeIpamService ipam = fake.ipam;
    final FakeClusterService network = fake.network;

    Response raw(String request) throws Exception {
        return fake.plugin().raw(request);
    }

    void expectError(Response r, int status, String body) throws Exception {
        assertEquals(status, r.status(), r.toString());
        assertEquals(body, r.body());
        assertEquals(PluginSocket.DOCKER_JSON, r.header("content-type"));
        assertStillServing();
    }

    void expectError(String path, String body, int status, String expected) throws Exception {
        expectError(raw(dockerPost(path, body)), status, expected);
    }

    void assertStillServing() throws Exception {
        fake.plugin().assertStillServing();
    }

    @Test
    void domainErrorsAreShownVerbatimWith500() throws Exception {
        ipam.failure = () -> FakeIpamService.inUse("10.20.0.5");
        expectError("/" + IpamDriverApi.REQUEST_ADDRESS, "{\"PoolID\":\"p\",\"Address\":\"10.20.0.5\",\"Options\":null}\n", 500,
                "{\"Err\":\"Address already in use: 10.20.0.5\"}");
        ipam.failure = () -> new OverlayException(OverlayException.Kind.EXHAUSTED, "No available pool in 10.200.0.0/16");
        expectError("/" + IpamDriverApi.REQUEST_POOL, "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"\",\"SubPool\":\"\",\"V6\":false}", 500,
                "{\"Err\":\"No available pool in 10.200.0.0/16\"}");
        network.failure = () -> new OverlayException(OverlayException.Kind.NOT_FOUND, "unknown network abc");
        expectError("/" + NetworkDriverApi.JOIN, "{\"NetworkID\":\"abc\",\"EndpointID\":\"e\",\"SandboxKey\":\"/k\"}", 500,
                "{\"Err\":\"unknown network abc\"}");
    }

    @Test
    void internalFailuresGetAGenericSentenceWithCorrelationId() throws Exception {
        network.failure = () -> new OverlayException(OverlayException.Kind.INTERNAL, "secret kernel detail");
        Response r = raw(dockerPost("/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\":\"n\",\"IPv4Data\":[]}"));
        assertEquals(500, r.status());
        assertTrue(r.body().matches("\\{\"Err\":\"javaoverlay failed internally while handling /NetworkDriver.CreateNetwork "
                + "\\(correlation id [0-9a-f]{8}\\); see the plugin log\"}"), r.body());
        assertFalse(r.body().contains("secret"));
        ipam.failure = () -> new NullPointerException("boom");
        r = raw(dockerPost("/" + IpamDriverApi.RELEASE_POOL, "{\"PoolID\":\"p\"}"));
        assertEquals(500, r.status());
        assertTrue(r.body().contains("correlation id"), r.body());
        assertStillServing();
    }

    @Test
    void validationNamesTheObjectAndChangesNothing() throws Exception {
        expectError("/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\":\"nid\",\"IPv4Data\":[{\"Pool\":\"10.20.0.0/33\"}]}", 500,
                "{\"Err\":\"network nid: IPv4Data[0].Pool '10.20.0.0/33' is not a valid CIDR: '10.20.0.0/33' has prefix length /33, more than 32 bits\"}");
        expectError("/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\":\"nid\",\"IPv4Data\":[{\"Pool\":\"10.20.0.0/24\",\"Gateway\":\"10.20.0.1\"}]}",
                500, "{\"Err\":\"network nid: IPv4Data[0].Gateway '10.20.0.1' is not a valid CIDR (expected ADDRESS/LENGTH)\"}");
        expectError("/" + NetworkDriverApi.CREATE_NETWORK, "{\"IPv4Data\":[]}", 500,
                "{\"Err\":\"NetworkDriver.CreateNetwork request has no NetworkID\"}");
        expectError("/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\":\"a/b\"}", 500,
                "{\"Err\":\"NetworkID 'a/b' in NetworkDriver.CreateNetwork is not a valid ID (expected up to 128 letters, digits, '_', '.', ':' or '-')\"}");
        expectError("/" + NetworkDriverApi.CREATE_ENDPOINT, "{\"NetworkID\":\"n\",\"EndpointID\":\"e\",\"Interface\":{\"Address\":\"10.20.0.2/24\","
                + "\"AddressIPv6\":\"\",\"MacAddress\":\"02:42:zz:00:00:01\"}}", 500,
                "{\"Err\":\"endpoint e: Interface.MacAddress '02:42:zz:00:00:01' is not a valid MAC address (expected aa:bb:cc:dd:ee:ff)\"}");
        expectError("/" + NetworkDriverApi.CREATE_ENDPOINT, "{\"NetworkID\":\"n\",\"EndpointID\":\"e\",\"Interface\":{\"Address\":\"\","
                + "\"AddressIPv6\":\"\",\"MacAddress\":\"\"}}", 500, "{\"Err\":\"endpoint e has neither an IPv4 nor an IPv6 address\"}");
        expectError("/" + NetworkDriverApi.JOIN, "{\"NetworkID\":\"n\"}", 500, "{\"Err\":\"NetworkDriver.Join request has no EndpointID\"}");
        expectError("/" + IpamDriverApi.REQUEST_POOL, "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.1.0.0\"}", 500,
                "{\"Err\":\"pool '10.1.0.0' is not a valid CIDR (expected ADDRESS/LENGTH)\"}");
        expectError("/" + IpamDriverApi.REQUEST_POOL, "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"\",\"SubPool\":\"10.1.0.0/25\"}", 500,
                "{\"Err\":\"sub-pool (--ip-range) 10.1.0.0/25 needs an explicit pool (--subnet)\"}");
        expectError("/" + IpamDriverApi.REQUEST_ADDRESS, "{\"PoolID\":\"p\",\"Address\":\"10.1.0.300\"}", 500,
                "{\"Err\":\"requested address '10.1.0.300' is not a valid IP address\"}");
        expectError("/" + IpamDriverApi.REQUEST_ADDRESS, "{\"Address\":\"\"}", 500,
                "{\"Err\":\"IpamDriver.RequestAddress request has no PoolID\"}");
        expectError("/" + IpamDriverApi.RELEASE_ADDRESS, "{\"PoolID\":\"p\",\"Address\":\"10.1.0.5/24\"}", 500,
                "{\"Err\":\"released address '10.1.0.5/24' is not a bare IP address\"}");
        assertTrue(ipam.calls.isEmpty(), "bad input reached the IPAM service: " + ipam.calls);
        assertTrue(network.calls.isEmpty(), "bad input reached the network service: " + network.calls);
    }

    @Test
    void malformedOrMissingJsonIs400() throws Exception {
        Response r = raw(dockerPost("/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\": nid"));
        assertEquals(400, r.status());
        assertTrue(r.body().startsWith("{\"Err\":\"malformed JSON in the request body of /NetworkDriver.CreateNetwork: "), r.body());
        assertStillServing();
        expectError("/" + NetworkDriverApi.CREATE_NETWORK, "", 400,
                "{\"Err\":\"empty request body for NetworkDriver.CreateNetwork; expected a JSON object\"}");
        r = raw(dockerPost("/" + IpamDriverApi.REQUEST_POOL, "[1,2]"));
        assertEquals(400, r.status(), r.toString());
        assertTrue(r.body().startsWith("{\"Err\":\"malformed JSON in the request body of /IpamDriver.RequestPool: "), r.body());
        r = raw(dockerPost("/" + IpamDriverApi.REQUEST_POOL, "{\"V6\":\"maybe\"}"));
        assertEquals(400, r.status(), r.toString());
        assertStillServing();
    }

    @Test
    void oversizeBodyIs413() throws Exception {
        String big = "{\"NetworkID\":\"n\",\"Options\":{\"x\":\"" + "a".repeat(5000) + "\"}}";
        expectError("/" + NetworkDriverApi.CREATE_NETWORK, big, 413,
                "{\"Err\":\"request body for /NetworkDriver.CreateNetwork exceeds the limit of 4096 bytes\"}");
        // The same without Content-Length (chunked): caught while reading.
        byte[] b = big.getBytes(StandardCharsets.UTF_8);
        String chunked = "POST /NetworkDriver.CreateNetwork HTTP/1.1\r\nHost: plugin.moby.localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(b.length) + "\r\n" + big + "\r\n0\r\n\r\n";
        expectError(raw(chunked), 413, "{\"Err\":\"request body for /NetworkDriver.CreateNetwork exceeds the limit of 4096 bytes\"}");
        assertTrue(network.calls.isEmpty());
    }

    @Test
    void unknownPathIs404AndOtherMethodsAre405() throws Exception {
        expectError("/NetworkDriver.Frobnicate", "{}", 404, "{\"Err\":\"unknown plugin endpoint /NetworkDriver.Frobnicate\"}");
        expectError("/", "", 404, "{\"Err\":\"unknown plugin endpoint /\"}");
        expectError(raw("GET /Plugin.Activate HTTP/1.1\r\nHost: plugin.moby.localhost\r\n\r\n"), 405,
                "{\"Err\":\"plugin endpoint /Plugin.Activate accepts only POST, not GET\"}");
        expectError(raw("PUT /IpamDriver.RequestPool HTTP/1.1\r\nHost: plugin.moby.localhost\r\nContent-Length: 2\r\n\r\n{}"), 405,
                "{\"Err\":\"plugin endpoint /IpamDriver.RequestPool accepts only POST, not PUT\"}");
        expectError(raw("DELETE /NetworkDriver.DeleteNetwork HTTP/1.1\r\nHost: plugin.moby.localhost\r\n\r\n"), 405,
                "{\"Err\":\"plugin endpoint /NetworkDriver.DeleteNetwork accepts only POST, not DELETE\"}");
        Response options = raw("OPTIONS /Plugin.Activate HTTP/1.1\r\nHost: plugin.moby.localhost\r\n\r\n");
        expectError(options, 405, "{\"Err\":\"plugin endpoint /Plugin.Activate accepts only POST, not OPTIONS\"}");
        assertEquals("POST", options.header("allow"));
        // GET on an unknown path: still the method that is wrong first
        expectError(raw("GET /nope HTTP/1.1\r\nHost: plugin.moby.localhost\r\n\r\n"), 405,
                "{\"Err\":\"plugin endpoint /nope accepts only POST, not GET\"}");
    }

    @Test
    void storeDependentCallsFailClearlyUntilReadyButRegistrationWorks() throws Exception {
        ServicesGate notReady = new ServicesGate();
        notReady.status("connecting to the store consul://127.0.0.1:8500");
        fake.plugin().restart(notReady, "local", 4096);
        expectError("/" + IpamDriverApi.REQUEST_POOL, "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.1.0.0/24\"}", 500,
                "{\"Err\":\"javaoverlay is not ready to serve this call: connecting to the store consul://127.0.0.1:8500\"}");
        expectError("/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\":\"n\"}", 500,
                "{\"Err\":\"javaoverlay is not ready to serve this call: connecting to the store consul://127.0.0.1:8500\"}");
        for (String p : new String[] {"/" + NetworkDriverApi.GET_CAPABILITIES, "/" + IpamDriverApi.GET_CAPABILITIES, "/" + IpamDriverApi.GET_DEFAULT_ADDRESS_SPACES,
                "/" + NetworkDriverApi.ENDPOINT_OPER_INFO}) {
            Response r = raw(dockerPost(p, ""));
            assertEquals(200, r.status(), p + " must not depend on the store: " + r);
        }
        notReady.open(new RunningServices(ipam, network, java.util.List.of()));
        Response r = raw(dockerPost("/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\":\"n\"}"));
        assertEquals(200, r.status(), r.toString());
    }
}
