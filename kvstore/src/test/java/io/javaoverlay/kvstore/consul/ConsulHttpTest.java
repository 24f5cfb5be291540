package io.javaoverlay.kvstore.consul;

import com.sun.net.httpserver.HttpServer;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.StoreUnavailableException;
import io.javaoverlay.kvstore.TxnOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the Consul backend puts on the wire, against an in-process fake agent on loopback: the
 * ACL token travels only as the X-Consul-Token header, and a dead or silent agent gives
 * StoreUnavailableException instead of a hang.
 */
class ConsulHttpTest {
    private HttpServer server;
    private final List<String> uris = new CopyOnWriteArrayList<>();
    private final List<String> tokens = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private URI fakeAgent() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            uris.add(ex.getRequestMethod() + " " + ex.getRequestURI());
            tokens.add(String.valueOf(ex.getRequestHeaders().getFirst("X-Consul-Token")));
            String path = ex.getRequestURI().getPath();
            String body;
            if (path.equals("/v1/txn")) {
                body = "{\"Results\":[{\"KV\":{\"Key\":\"javaoverlay/v1/k\",\"Value\":null,\"ModifyIndex\":8}}],\"Errors\":null}";
            } else if (ex.getRequestMethod().equals("GET")) {
                body = "[{\"Key\":\"javaoverlay/v1/k\",\"Value\":\"dg==\",\"ModifyIndex\":7,\"CreateIndex\":7,\"Flags\":0,\"LockIndex\":0}]";
            } else {
                body = "true";
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("X-Consul-Index", "7");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void tokenIsSentAsHeaderNeverInTheUrl() throws Exception {
        URI addr = fakeAgent();
        try (KvStore store = ConsulKvStore.open(ConsulConfig.defaults().withAddress(addr).withToken("s3cr3t-token"))) {
            KvEntry e = store.get("k").orElseThrow();
            assertEquals("v", e.valueAsString());
            assertEquals(7, e.modifyIndex());
            store.put("k", new byte[] {1});
            store.txn(List.of(new TxnOp.Set("k", new byte[] {2})));
            store.watch("", 0, Duration.ZERO);
            store.delete("k");
        }
        assertEquals(5, uris.size(), uris.toString());
        for (int i = 0; i < uris.size(); i++) {
            assertEquals("s3cr3t-token", tokens.get(i), uris.get(i));
            assertFalse(uris.get(i).contains("token"), uris.get(i));
            assertFalse(uris.get(i).contains("s3cr3t"), uris.get(i));
        }
        assertTrue(uris.get(0).startsWith("GET /v1/kv/javaoverlay/v1/k"), uris.get(0));
    }

    @Test
    void aTransactionThatReadsExistingKeysIsOneRoundTrip() throws Exception {
        URI addr = fakeAgent();
        try (KvStore store = ConsulKvStore.open(ConsulConfig.defaults().withAddress(addr))) {
            List<KvEntry> got = store.txn(List.of(new TxnOp.Get("k")));
            assertEquals(List.of("javaoverlay/v1/k"), got.stream().map(e -> "javaoverlay/v1/" + e.key()).toList());
        }
        // No pre-read of the key: Join and CreateEndpoint read their records this way.
        assertEquals(1, uris.size(), uris.toString());
        assertTrue(uris.get(0).startsWith("PUT /v1/txn"), uris.get(0));
    }

    @Test
    void onlyConsulsExistenceAnswersCountAsAWrongGuessOfARead() {
        assertTrue(ConsulTxn.isExistenceFailure("key \"javaoverlay/v1/k\" doesn't exist"));
        assertTrue(ConsulTxn.isExistenceFailure("key \"javaoverlay/v1/k\" exists"));
        assertFalse(ConsulTxn.isExistenceFailure("Permission denied"));
        assertFalse(ConsulTxn.isExistenceFailure("failed to check index, key \"javaoverlay/v1/k\" doesn't exist"));
    }

    @Test
    void noTokenHeaderWithoutAToken() throws Exception {
        URI addr = fakeAgent();
        try (KvStore store = ConsulKvStore.open(ConsulConfig.defaults().withAddress(addr))) {
            store.get("k");
        }
        assertEquals(List.of("null"), tokens);
    }

    @Test
    void refusedConnectionIsStoreUnavailable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ConsulConfig c = ConsulConfig.defaults().withAddress(URI.create("http://127.0.0.1:" + port));
        try (KvStore store = ConsulKvStore.open(c)) {
            StoreUnavailableException e = assertThrows(StoreUnavailableException.class, () -> store.get("k"));
            assertTrue(e.getMessage().contains("get 'k'"), e.getMessage());
        }
    }

    @Test
    void silentAgentTimesOutInsteadOfHanging() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept()); // accept, then never answer
                    }
                } catch (IOException ignored) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            ConsulConfig c = ConsulConfig.defaults()
                    .withAddress(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
                    .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500));
            try (KvStore store = ConsulKvStore.open(c)) {
                // A hang guard, not a performance check: the call must give up on its own.
                assertTimeoutPreemptively(Duration.ofSeconds(30),
                        () -> assertThrows(StoreUnavailableException.class, () -> store.put("k", new byte[0])));
            }
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
