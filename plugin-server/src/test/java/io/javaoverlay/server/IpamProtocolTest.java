package io.javaoverlay.server;

import io.javaoverlay.ipam.IpamConfig;
import io.javaoverlay.ipam.KvIpamService;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.server.protocol.IpamDriverApi;
import io.javaoverlay.server.resource.Services;
import io.javaoverlay.server.testing.FakeClusterService;
import io.javaoverlay.server.testing.PluginSocket;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The IpamDriver endpoints over the socket against the real IPAM service (on the in-memory
 * store), where a fake would answer whatever it was told: unknown pool IDs are released
 * idempotently, a malformed PoolID is a 500 naming it, and neither changes the store.
 */
class IpamProtocolTest {
    static final String MALFORMED = "{\"Err\":\"PoolID 'never/seen' is malformed: javaoverlay pool IDs look like 10.20.0.0_24_5f3a09c1\"}";

    @TempDir
    Path dir;
    InMemoryKvStore store = new InMemoryKvStore();
    KvIpamService ipam = new KvIpamService(store, IpamConfig.defaults("h1"));
    PluginSocket plugin;

    @BeforeEach
    void start() throws Exception {
        plugin = PluginSocket.serve(dir.resolve("javaoverlay.sock"),
                Services.of(ipam, new FakeClusterService(ipam)), "local", 1 << 20);
    }

    @AfterEach
    void stop() throws Exception {
        plugin.close();
    }

    void expect(String path, String body, int status, String answer) throws Exception {
        Response r = plugin.post(path, body);
        assertEquals(status, r.status(), path + " " + body + " -> " + r);
        assertEquals(answer, r.body(), path + " " + body);
        assertEquals(PluginSocket.DOCKER_JSON, r.header("content-type"));
    }

    @Test
    void unknownPoolIdsAreReleasedIdempotentlyAndMalformedOnesAreRefused() throws Exception {
        String pool = plugin.post("/" + IpamDriverApi.REQUEST_POOL,
                "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"198.18.0.0/24\",\"SubPool\":\"\",\"V6\":false}").body();
        assertTrue(pool.startsWith("{\"PoolID\":\"198.18.0.0_24_"), pool);
        List<KvEntry> before = store.list("");

        // Well-formed IDs of pools that do not exist (never issued, or already released): success (E13).
        expect("/" + IpamDriverApi.RELEASE_POOL, "{\"PoolID\":\"10.9.9.0_24_deadbeef\"}", 200, "{}");
        expect("/" + IpamDriverApi.RELEASE_ADDRESS, "{\"PoolID\":\"10.9.9.0_24_deadbeef\",\"Address\":\"10.9.9.9\"}", 200, "{}");
        expect("/" + IpamDriverApi.RELEASE_POOL, "{\"PoolID\":\"198.18.0.0_24_00000000\"}", 200, "{}");
        expect("/" + IpamDriverApi.REQUEST_ADDRESS, "{\"PoolID\":\"10.9.9.0_24_deadbeef\",\"Address\":\"\"}", 500,
                "{\"Err\":\"pool 10.9.9.0_24_deadbeef (10.9.9.0/24) does not exist: it was released or never requested"
                        + " from javaoverlay\"}");

        // Not one of ours at all: the real IPAM refuses it by name, on every endpoint taking a PoolID.
        expect("/" + IpamDriverApi.RELEASE_POOL, "{\"PoolID\":\"never/seen\"}", 500, MALFORMED);
        expect("/" + IpamDriverApi.RELEASE_ADDRESS, "{\"PoolID\":\"never/seen\",\"Address\":\"10.9.9.9\"}", 500, MALFORMED);
        expect("/" + IpamDriverApi.REQUEST_ADDRESS, "{\"PoolID\":\"never/seen\",\"Address\":\"\"}", 500, MALFORMED);

        assertEquals(keysAndIndexes(before), keysAndIndexes(store.list("")), "the store is unchanged");
    }

    private static List<String> keysAndIndexes(List<KvEntry> entries) {
        return entries.stream().map(e -> e.key() + "@" + e.modifyIndex()).toList();
    }
}
