package io.javaoverlay.server.e2e;

import static io.javaoverlay.server.e2e.OverlayProbe.ownedDevices;
import static io.javaoverlay.server.e2e.OverlayProbe.run;
import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import io.javaoverlay.server.protocol.IpamDriverApi;
import io.javaoverlay.server.protocol.NetworkDriverApi;
import io.javaoverlay.server.protocol.PluginApi;
import io.javaoverlay.server.testing.PluginSocket;
import io.javaoverlay.server.testing.UdsHttpClient;
import io.javaoverlay.server.testing.UdsHttpClient.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, bad input against the real daemon: Docker 26 host, the daemon on Consul, a real network
 * and container created through Docker so that the store and the kernel hold state. Then malformed
 * JSON, unknown IDs, bad CIDRs, an oversize body and wrong methods/paths go straight to the plugin
 * socket. Each gets Docker's error shape ({@code {"Err":"..."}} with the documented status), the
 * daemon keeps serving, and neither the store (every key, value and modify index under
 * {@code javaoverlay/}) nor the host's javaoverlay devices change.
 */
@Tag("docker")
@Tag("consul")
@Tag("privileged")
class BadInputE2EIT {

    private static final System.Logger LOG = System.getLogger(BadInputE2EIT.class.getName());
    private static final String UNKNOWN_NET = "f".repeat(64);
    private static final String UNKNOWN_EP = "e".repeat(64);
    private static final String HOSTS = "javaoverlay/v1/hosts/";
    private static final String NETWORKS = "javaoverlay/v1/networks/";

    private static Testbed tb;
    private static PluginProcess plugin;

    @BeforeAll
    static void up() {
        Testbed.require();
        tb = Testbed.up(1, Testbed.DockerVersion.V26, true);
        plugin = PluginProcess.start(tb, "h1", "badinput", "--store", "consul://" + tb.consulAddress());
    }

    @AfterAll
    static void down() {
        PluginProcess.tearDown(tb, plugin);
    }

    /** One bad request and what must come back. */
    private record Case(String name, String rawRequest, int status, String errContains) {
        Case {
            // Every case names what its error must say: an empty fragment would match any body.
            if (errContains.isBlank()) {
                throw new IllegalArgumentException("case '" + name + "' expects nothing of the error");
            }
        }
    }

    @Test
    void badRequestsGetErrorsAndChangeNothing() throws IOException {
        String netId = tb.dockerOk("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "10.77.30.0/24", "good");
        run(tb, "h1", "g1", "good", List.of(), "sleep", "3600");
        String poolId = poolIdOf();

        SortedMap<String, String> storeBefore = storeSnapshot();
        List<String> devicesBefore = ownedDevices(tb, "h1");
        assertTrue(storeBefore.containsKey(NETWORKS + netId) && !devicesBefore.isEmpty(), "state to protect exists");

        List<Case> cases = new ArrayList<>(List.of(
                new Case("malformed JSON", dockerPost("/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\":"), 400,
                        "malformed JSON"),
                new Case("not JSON at all", dockerPost("/" + IpamDriverApi.REQUEST_ADDRESS, "this is not json"), 400,
                        "malformed JSON"),
                new Case("empty body", dockerPost("/" + NetworkDriverApi.CREATE_ENDPOINT, ""), 400, "empty request body"),
                new Case("JSON of the wrong type", dockerPost("/" + IpamDriverApi.REQUEST_POOL, "[1,2,3]"), 400,
                        "malformed JSON in the request body of /" + IpamDriverApi.REQUEST_POOL + ": "),
                new Case("join of an unknown network", dockerPost("/" + NetworkDriverApi.JOIN, "{\"NetworkID\":\"" + UNKNOWN_NET
                        + "\",\"EndpointID\":\"" + UNKNOWN_EP + "\",\"SandboxKey\":\"/var/run/docker/netns/0123456789ab\","
                        + "\"Options\":{}}"), 500, UNKNOWN_NET),
                new Case("endpoint on an unknown network", dockerPost("/" + NetworkDriverApi.CREATE_ENDPOINT, "{\"NetworkID\":\""
                        + UNKNOWN_NET + "\",\"EndpointID\":\"" + UNKNOWN_EP + "\",\"Interface\":{\"Address\":\"10.77.30.9/24\","
                        + "\"AddressIPv6\":\"\",\"MacAddress\":\"\"},\"Options\":{}}"), 500, UNKNOWN_NET),
                new Case("join of an unknown endpoint", dockerPost("/" + NetworkDriverApi.JOIN, "{\"NetworkID\":\"" + netId
                        + "\",\"EndpointID\":\"" + UNKNOWN_EP + "\",\"SandboxKey\":\"/var/run/docker/netns/0123456789ab\","
                        + "\"Options\":{}}"), 500, UNKNOWN_EP),
                new Case("address from an unknown pool", dockerPost("/" + IpamDriverApi.REQUEST_ADDRESS,
                        "{\"PoolID\":\"10.99.0.0_24_deadbeef\",\"Address\":\"\",\"Options\":{}}"), 500, "10.99.0.0"),
                new Case("address already in use", dockerPost("/" + IpamDriverApi.REQUEST_ADDRESS, "{\"PoolID\":\"" + poolId
                        + "\",\"Address\":\"" + address("g1") + "\",\"Options\":{}}"), 500, address("g1")),
                new Case("pool with a bad CIDR", dockerPost("/" + IpamDriverApi.REQUEST_POOL,
                        "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.77.0.0/33\",\"SubPool\":\"\",\"V6\":false}"),
                        500, "10.77.0.0/33"),
                new Case("pool overlapping the existing one", dockerPost("/" + IpamDriverApi.REQUEST_POOL,
                        "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.77.30.0/25\",\"SubPool\":\"\",\"V6\":false}"),
                        500, "10.77.30.0"),
                new Case("network with a bad CIDR", dockerPost("/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\":\"" + UNKNOWN_NET
                        + "\",\"Options\":{},\"IPv4Data\":[{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.77.31.0/99\","
                        + "\"Gateway\":\"10.77.31.1/24\"}],\"IPv6Data\":[]}"), 500, "10.77.31.0/99"),
                new Case("network with a bad ID", dockerPost("/" + NetworkDriverApi.CREATE_NETWORK,
                        "{\"NetworkID\":\"../../etc\",\"IPv4Data\":[]}"), 500, "../../etc"),
                new Case("unknown path", dockerPost("/NetworkDriver.Frobnicate", "{}"), 404, "/NetworkDriver.Frobnicate"),
                new Case("wrong method", "GET /NetworkDriver.GetCapabilities HTTP/1.1\r\nHost: plugin.moby.localhost\r\n\r\n",
                        405, "POST"),
                new Case("wrong method with a body", "PUT /IpamDriver.RequestPool HTTP/1.1\r\nHost: plugin.moby.localhost\r\n"
                        + "Content-Length: 2\r\n\r\n{}", 405, "POST"),
                new Case("oversize body", dockerPost("/" + NetworkDriverApi.CREATE_NETWORK, "{\"NetworkID\":\"" + UNKNOWN_NET
                        + "\",\"Options\":{\"pad\":\"" + "x".repeat(2 << 20) + "\"}}"), 413, "exceeds the limit")));

        for (Case c : cases) {
            Response r = exchange(c.rawRequest());
            String what = c.name() + ": " + r.status() + " " + r.body();
            LOG.log(Level.INFO, "bad input -> " + what);
            assertEquals(c.status(), r.status(), what);
            assertTrue(r.body().startsWith("{\"Err\":\"") && r.body().endsWith("\"}"), "error shape, " + what);
            assertTrue(r.body().contains(c.errContains()), "the error names the object, " + what);
            assertTrue(r.header("content-type").startsWith(PluginSocket.DOCKER_JSON), "content type, " + what + " " + r.headers());
            assertEquals(PluginSocket.ACTIVATED, exchange(dockerPost("/" + PluginApi.ACTIVATE, "")).body(),
                    "Activate still answers after " + c.name());
        }

        assertEquals(storeBefore, storeSnapshot(), "the store is unchanged (keys, values, modify indexes)");
        assertEquals(devicesBefore, ownedDevices(tb, "h1"), "javaoverlay devices on h1 are unchanged");
        assertTrue(plugin.isAlive(), "the daemon still runs");

        // And Docker can still use it.
        run(tb, "h1", "g2", "good", List.of(), "sleep", "3600");
        Testbed.Result ping = OverlayProbe.pingUntilAnswered(tb, "h1", "g2", address("g1"));
        assertTrue(ping.ok());
        tb.dockerOk("h1", "rm", "-f", "g1", "g2");
        tb.dockerOk("h1", "network", "rm", "good");
        assertFalse(storeSnapshot().containsKey(NETWORKS + netId), "network removed from the store");
    }

    private static String address(String container) {
        return OverlayProbe.address(tb, "h1", container, "good");
    }

    /** The pool ID the IPAM handed to Docker for 10.77.30.0/24 (kept in its pool record). */
    private static String poolIdOf() {
        String rec = tb.exec("h1", "curl", "-fsS", "http://" + tb.consulAddress()
                + "/v1/kv/javaoverlay/v1/ipam/pools/10.77.30.0_24?raw").requireOk().stdout();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"poolId\"\\s*:\\s*\"([^\"]+)\"").matcher(rec);
        assertTrue(m.find(), "pool record of 10.77.30.0/24: " + rec);
        return m.group(1);
    }

    /**
     * Every key, value and modify index under {@code javaoverlay/} ({@code GET /v1/kv/javaoverlay/?recurse}),
     * except that a {@code hosts/} record counts by its key and create index only: the daemon rewrites its
     * heartbeat every second whatever the requests are, so its value and modify index prove nothing here.
     */
    private static SortedMap<String, String> storeSnapshot() {
        String listing = tb.exec("h1", "curl", "-fsS", "http://" + tb.consulAddress() + "/v1/kv/javaoverlay/?recurse")
                .requireOk().stdout();
        SortedMap<String, String> kv = new TreeMap<>();
        for (JsonNode e : OverlayProbe.json(listing)) {
            String key = e.path("Key").asText();
            kv.put(key, key.startsWith(HOSTS) ? "heartbeat, created at " + e.path("CreateIndex").asLong()
                    : e.path("Value").asText() + " @" + e.path("ModifyIndex").asLong());
        }
        return kv;
    }

    private static Response exchange(String raw) {
        try (UdsHttpClient c = new UdsHttpClient(plugin.socket())) {
            return c.exchange(raw);
        } catch (IOException e) {
            throw new UncheckedIOException("plugin socket " + plugin.socket() + ": " + e.getMessage()
                    + "\nplugin log:\n" + plugin.logTail(30), e);
        }
    }
}
