package io.javaoverlay.server;

import io.javaoverlay.server.protocol.IpamDriverApi;
import io.javaoverlay.server.protocol.PluginApi;
import io.javaoverlay.server.testing.FakePlugin;
import io.javaoverlay.server.testing.PluginSocket;
import io.javaoverlay.server.testing.UdsHttpClient;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * What Docker's (and older Dockers') HTTP client really sends, over a real Unix socket: no Host,
 * empty Host, vendor Accept types, no Content-Type, keep-alive reuse, concurrency. And no TCP.
 */
class UdsTransportTest {
    static final String POOL = "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.20.0.0/24\",\"SubPool\":\"\",\"Options\":null,\"V6\":false}\n";

    @RegisterExtension
    final FakePlugin fake = FakePlugin.direct("javaoverlay.sock", 1 << 20);

    Response raw(String request) throws Exception {
        return fake.plugin().raw(request);
    }

    @Test
    void http10WithoutHost() throws Exception {
        Response r = raw("POST /Plugin.Activate HTTP/1.0\r\n\r\n");
        assertEquals(200, r.status(), r.toString());
        assertEquals(PluginSocket.ACTIVATED, r.body());
        r = raw("POST /IpamDriver.RequestPool HTTP/1.0\r\nContent-Length: " + POOL.length() + "\r\n\r\n" + POOL);
        assertEquals(200, r.status(), r.toString());
    }

    @Test
    void emptyHostHeaderFromOlderDocker() throws Exception {
        Response r = raw("POST /Plugin.Activate HTTP/1.1\r\nHost: \r\nContent-Length: 0\r\nAccept: application/vnd.docker.plugins.v1.2+json\r\n\r\n");
        assertEquals(200, r.status(), r.toString());
        assertEquals(PluginSocket.ACTIVATED, r.body());
        r = raw("POST /IpamDriver.RequestPool HTTP/1.1\r\nHost:\r\nContent-Length: " + POOL.length() + "\r\n\r\n" + POOL);
        assertEquals(200, r.status(), r.toString());
    }

    @Test
    void dockerDummyHost() throws Exception {
        Response r = raw(dockerPost("/" + IpamDriverApi.REQUEST_POOL, POOL));
        assertEquals(200, r.status(), r.toString());
        assertEquals("{\"PoolID\":\"jo/blue/10.20.0.0/24\",\"Pool\":\"10.20.0.0/24\",\"Data\":{}}", r.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/vnd.docker.plugins.v1+json", "application/vnd.docker.plugins.v1.1+json",
            "application/vnd.docker.plugins.v1.2+json", "application/json", "text/html", "*/*"})
    void anyAcceptAndNoContentType(String accept) throws Exception {
        Response r = raw("POST /IpamDriver.RequestPool HTTP/1.1\r\nHost: plugin.moby.localhost\r\nAccept: " + accept
                + "\r\nContent-Length: " + POOL.length() + "\r\n\r\n" + POOL);
        assertEquals(200, r.status(), accept + " -> " + r);
        assertEquals("application/vnd.docker.plugins.v1.1+json", r.header("content-type"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/octet-stream", "application/json"})
    void anyRequestContentTypeIsReadAsJson(String contentType) throws Exception {
        Response r = raw("POST /IpamDriver.RequestPool HTTP/1.1\r\nHost: plugin.moby.localhost\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + POOL.length() + "\r\n\r\n" + POOL);
        assertEquals(200, r.status(), contentType + " -> " + r);
    }

    @Test
    void keepAliveReusesOneConnection() throws Exception {
        try (UdsHttpClient c = new UdsHttpClient(fake.plugin().path())) {
            for (int i = 0; i < 20; i++) {
                Response r = c.exchange(dockerPost(i % 2 == 0 ? "/" + PluginApi.ACTIVATE : "/" + IpamDriverApi.REQUEST_POOL, i % 2 == 0 ? "" : POOL));
                assertEquals(200, r.status(), "request " + i + ": " + r);
                assertFalse("close".equalsIgnoreCase(r.header("connection")), "server closed a keep-alive connection: " + r);
            }
            // an error answer (404) keeps the connection too
            Response r = c.exchange(dockerPost("/Nope", ""));
            assertEquals(404, r.status());
            assertEquals(200, c.exchange(dockerPost("/" + PluginApi.ACTIVATE, "")).status());
        }
    }

    @Test
    void eightConcurrentClients() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> jobs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                jobs.add(() -> {
                    int ok = 0;
                    try (UdsHttpClient c = new UdsHttpClient(fake.plugin().path())) {
                        for (int i = 0; i < 25; i++) {
                            Response r = c.exchange(dockerPost("/" + IpamDriverApi.REQUEST_POOL, POOL));
                            if (r.status() == 200 && r.body().contains("PoolID")) {
                                ok++;
                            }
                        }
                    }
                    return ok;
                });
            }
            int total = 0;
            for (Future<Integer> f : pool.invokeAll(jobs, 60, TimeUnit.SECONDS)) {
                total += f.get();
            }
            assertEquals(200, total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void largeBodyUnderTheLimitIsRead() throws Exception {
        String body = "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"10.20.0.0/24\",\"Options\":{\"big\":\""
                + "x".repeat(900_000) + "\"},\"V6\":false}";
        Response r = raw(dockerPost("/" + IpamDriverApi.REQUEST_POOL, body));
        assertEquals(200, r.status(), r.statusLine());
    }

    @Test
    void noTcpListenerIsOpen() throws Exception {
        PluginSocket.assertNoTcpListener(ProcessHandle.current().pid());
        PluginSocket.assertListedAsUnixSocket(fake.plugin().path());
    }
}
