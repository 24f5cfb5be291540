package io.javaoverlay.kvstore.consul;

import com.sun.net.httpserver.HttpServer;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.StoreUnavailableException;
import io.javaoverlay.kvstore.TxnOp;
import io.javaoverlay.kvstore.WatchResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
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
            store.watch("", 3, Duration.ofMillis(50));
            assertEquals(List.of("k"), store.list("").stream().map(KvEntry::key).toList());
            store.delete("k");
        }
        assertEquals(7, uris.size(), uris.toString());
        for (int i = 0; i < uris.size(); i++) {
            assertEquals("s3cr3t-token", tokens.get(i), uris.get(i));
            assertFalse(uris.get(i).contains("token"), uris.get(i));
            assertFalse(uris.get(i).contains("s3cr3t"), uris.get(i));
        }
        assertTrue(uris.get(0).startsWith("GET /v1/kv/javaoverlay/v1/k"), uris.get(0));
    }

    @Test
    void listingsAndWatchesNameTheDatacenterAndTheIndex() throws Exception {
        URI addr = fakeAgent();
        ConsulConfig c = ConsulConfig.defaults().withAddress(addr).withDatacenter("dc2");
        try (KvStore store = ConsulKvStore.open(c)) {
            assertEquals(1, store.list("endpoints/").size());
            WatchResult w = store.watch("endpoints/", 3, Duration.ofSeconds(2));
            assertEquals(7, w.index());
            assertEquals("v", w.entries().get(0).valueAsString());
        }
        assertEquals("GET /v1/kv/javaoverlay/v1/endpoints/?recurse&dc=dc2", uris.get(0));
        assertTrue(uris.get(1).startsWith("GET /v1/kv/javaoverlay/v1/endpoints/?recurse&dc=dc2&index=3&wait="), uris.get(1));
    }

    @Test
    void aListingAfterCloseIsAStoreErrorNotAnUncheckedOne() throws Exception {
        URI addr = fakeAgent();
        KvStore store = ConsulKvStore.open(ConsulConfig.defaults().withAddress(addr).withDatacenter("dc 2&x"));
        assertEquals(1, store.list("endpoints/").size());
        store.close();
        KvStoreException e = assertThrows(KvStoreException.class, () -> store.list("endpoints/"));
        assertTrue(e.getMessage().startsWith("list 'endpoints/': "), e.getMessage());
        assertEquals("GET /v1/kv/javaoverlay/v1/endpoints/?recurse&dc=dc+2%26x", uris.get(0));
    }

    @Test
    void aListingIsParsedAsItStreams() throws Exception {
        String json = "[{\"LockIndex\":0,\"Key\":\"javaoverlay/v1/a\",\"Flags\":0,\"Value\":\"aGVsbG8=\",\"CreateIndex\":3,"
                + "\"ModifyIndex\":9,\"Session\":\"x\",\"Extra\":{\"nested\":[1,2]}},"
                + "{\"Key\":\"javaoverlay/v1/\",\"Value\":null,\"ModifyIndex\":2},"
                + "{\"Key\":\"other/z\",\"Value\":\"eg==\",\"ModifyIndex\":4},"
                + "{\"ModifyIndex\":5,\"Value\":null,\"Key\":\"javaoverlay/v1/0-empty\"}]";
        List<KvEntry> got = ConsulListing.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                "javaoverlay/v1/", "list ''");
        // The prefix's own key and keys outside it are dropped; sorted by key; a null value is empty.
        assertEquals(List.of("0-empty", "a"), got.stream().map(KvEntry::key).toList());
        assertEquals(0, got.get(0).value().length);
        assertEquals(5, got.get(0).modifyIndex());
        assertEquals("hello", got.get(1).valueAsString());
        assertEquals(9, got.get(1).modifyIndex());
        assertEquals(List.of(), ConsulListing.parse(new ByteArrayInputStream("[]".getBytes(StandardCharsets.UTF_8)),
                "javaoverlay/v1/", "list ''"));
        for (String bad : List.of("{}", "[{\"Key\":\"javaoverlay/v1/a\",\"Value\":\"***\"}]", "[{\"Key\":")) {
            KvStoreException e = assertThrows(KvStoreException.class, () -> ConsulListing.parse(
                    new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8)), "javaoverlay/v1/", "list 'x/'"), bad);
            assertTrue(e.getMessage().startsWith("list 'x/': unreadable listing from Consul"), e.getMessage());
        }
    }

    @Test
    void aListingRefusedByConsulNamesTheStatusAndTheReason() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] b = (ex.getRequestURI().getPath().endsWith("/gone/") ? "" : "Permission denied")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ex.getRequestURI().getPath().endsWith("/gone/") ? 404 : 403, b.length == 0 ? -1 : b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        URI addr = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        try (KvStore store = ConsulKvStore.open(ConsulConfig.defaults().withAddress(addr))) {
            assertEquals(List.of(), store.list("gone/"));
            KvStoreException e = assertThrows(KvStoreException.class, () -> store.list("networks/"));
            assertFalse(e instanceof StoreUnavailableException, e.toString());
            assertEquals("list 'networks/': Consul answered HTTP 403 (Permission denied)", e.getMessage());
            KvStoreException w = assertThrows(KvStoreException.class, () -> store.watch("networks/", 0, Duration.ZERO));
            assertTrue(w.getMessage().startsWith("watch 'networks/': Consul answered HTTP 403"), w.getMessage());
        }
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
        try (SilentAgent silent = new SilentAgent()) {
            ConsulConfig c = ConsulConfig.defaults().withAddress(silent.address())
                    .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500));
            try (KvStore store = ConsulKvStore.open(c)) {
                // A hang guard, not a performance check: the call must give up on its own.
                assertTimeoutPreemptively(Duration.ofSeconds(30),
                        () -> assertThrows(StoreUnavailableException.class, () -> store.put("k", new byte[0])));
            }
        }
    }

    /** A write is sent once: a dropped connection is a StoreUnavailableException, never a silent re-send. */
    @Test
    void aWriteIsNeverSentTwice() throws Exception {
        try (ServerSocket dropper = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<String> requests = new CopyOnWriteArrayList<>();
            acceptEach(dropper, s -> {
                try (s) {
                    requests.add(readHead(s)); // read the request, then close without an answer
                }
            });
            ConsulConfig c = ConsulConfig.defaults().withAddress(URI.create("http://127.0.0.1:" + dropper.getLocalPort()));
            try (KvStore store = ConsulKvStore.open(c)) {
                assertThrows(StoreUnavailableException.class, () -> store.compareAndSet("k", new byte[] {1}, 7));
                assertThrows(StoreUnavailableException.class, () -> store.txn(List.of(new TxnOp.Set("k", new byte[] {1}))));
            }
            assertEquals(2, requests.size(), requests.toString());
            assertTrue(requests.get(0).startsWith("PUT /v1/kv/javaoverlay/v1/k?cas=7 "), requests.get(0));
            assertTrue(requests.get(1).startsWith("PUT /v1/txn "), requests.get(1));
        }
    }

    /** Calls reuse one kept-alive connection instead of opening one each. */
    @Test
    void callsReuseTheirConnection() throws Exception {
        URI addr = fakeAgent();
        try (KvStore store = ConsulKvStore.open(ConsulConfig.defaults().withAddress(addr))) {
            store.put("k", new byte[] {1});
            List<Integer> ports = new CopyOnWriteArrayList<>();
            server.removeContext("/");
            server.createContext("/", ex -> {
                ports.add(ex.getRemoteAddress().getPort());
                byte[] b = "true".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, b.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(b);
                }
            });
            for (int i = 0; i < 5; i++) {
                store.put("k", new byte[] {1});
            }
            assertEquals(1, ports.stream().distinct().count(), "client ports: " + ports);
        }
    }

    /** close() ends a blocking watch in flight at once, as a store error (the daemon's shutdown path). */
    @Test
    void closeEndsAWatchInFlight() throws Exception {
        try (SilentAgent silent = new SilentAgent()) {
            ConsulConfig c = ConsulConfig.defaults().withAddress(silent.address());
            KvStore store = ConsulKvStore.open(c);
            java.util.concurrent.CompletableFuture<Throwable> watch = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    store.watch("p/", 5, Duration.ofMinutes(5));
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            while (silent.held.isEmpty()) {
                Thread.sleep(10);
            }
            Thread.sleep(100); // the request is written and the watch waits for the answer
            store.close();
            // A hang guard, not a performance check: the watch would otherwise wait its 5 minutes.
            Throwable t = watch.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(t instanceof KvStoreException && !(t instanceof StoreUnavailableException), String.valueOf(t));
            assertTrue(t.getMessage().contains("closed"), t.getMessage());
            assertThrows(KvStoreException.class, () -> store.get("k"));
        }
    }

    /** What a test agent does with each accepted connection. */
    private interface Connection {
        void handle(Socket s) throws IOException;
    }

    /** Accepts connections on a background thread until {@code server} closes. */
    private static void acceptEach(ServerSocket server, Connection handler) {
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    handler.handle(server.accept());
                }
            } catch (IOException ignored) {
                // closed
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A loopback agent that accepts connections and never answers them. */
    private static final class SilentAgent implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<Socket> held = new CopyOnWriteArrayList<>();

        SilentAgent() throws IOException {
            acceptEach(socket, held::add);
        }

        URI address() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            for (Socket s : held) {
                s.close();
            }
            socket.close();
        }
    }

    private static String readHead(Socket s) throws IOException {
        StringBuilder head = new StringBuilder();
        var in = s.getInputStream();
        int c;
        while ((c = in.read()) >= 0) {
            head.append((char) c);
            if (head.toString().endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }
}
