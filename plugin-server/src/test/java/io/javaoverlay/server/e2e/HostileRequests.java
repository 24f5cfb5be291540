package io.javaoverlay.server.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Hostile traffic for a plugin socket, reproducible from a seed: random bytes, garbage headers,
 * truncated JSON, wrong JSON types, huge numbers, well-formed calls with unknown IDs, path tricks
 * ({@code /../}, {@code %2e%2e}, NUL bytes, very long paths) and absurd framing (Content-Length,
 * chunked). Every request is built so that it cannot be a valid state-changing call even if the
 * server coerced types: IDs are random, pool IDs carry a wrong generation, pools overlap the live
 * one, CIDRs are invalid, and no field is ever replaced by null, "" or [] (which Docker's protocol
 * reads as "pick one for me"). So any change to the store or the kernel afterwards is a bug.
 */
final class HostileRequests {

    /** Outcome counts of one run. */
    record Stats(int sent, Map<String, Integer> outcomes, long millis) {
        int count(String outcome) {
            return outcomes.getOrDefault(outcome, 0);
        }
    }

    /** What a well-formed-but-harmless body looks like for each endpoint. */
    private static final List<String> ENDPOINTS = List.of(
            "/Plugin.Activate", "/NetworkDriver.GetCapabilities", "/NetworkDriver.CreateNetwork",
            "/NetworkDriver.DeleteNetwork", "/NetworkDriver.AllocateNetwork", "/NetworkDriver.FreeNetwork",
            "/NetworkDriver.CreateEndpoint", "/NetworkDriver.EndpointOperInfo", "/NetworkDriver.DeleteEndpoint",
            "/NetworkDriver.Join", "/NetworkDriver.Leave", "/NetworkDriver.DiscoverNew", "/NetworkDriver.DiscoverDelete",
            "/NetworkDriver.ProgramExternalConnectivity", "/NetworkDriver.RevokeExternalConnectivity",
            "/IpamDriver.GetCapabilities", "/IpamDriver.GetDefaultAddressSpaces", "/IpamDriver.RequestPool",
            "/IpamDriver.ReleasePool", "/IpamDriver.RequestAddress", "/IpamDriver.ReleaseAddress");

    /** Replacement values for a field: wrong types and huge numbers, never null, "" or []. */
    private static final List<String> WRONG = List.of("12345", "-1", "3.14", "true", "false", "{\"x\":1}", "[1,2]",
            "\"x\"", "\"../../etc/passwd\"", "\"\\u0000\"", "\"%2e%2e\"", "{\"NetworkID\":{\"NetworkID\":[true]}}");
    private static final List<String> HUGE = List.of("1e999999", "-1e999999", "123456789012345678901234567890",
            "-9223372036854775809", "18446744073709551616", "0." + "0".repeat(5000) + "1", "9".repeat(20000));

    private final Random rnd;
    private final String liveSubnet;

    /**
     * @param seed       makes the run reproducible
     * @param liveSubnet the subnet of the network that lives on the target (e.g. 198.18.137.0/24):
     *                   pool requests overlap it and pool IDs name it with a wrong generation
     */
    HostileRequests(long seed, String liveSubnet) {
        this.rnd = new Random(seed);
        this.liveSubnet = liveSubnet;
    }

    private String id() {
        byte[] b = new byte[32];
        rnd.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The live pool's key with a random (so unknown) generation, or a random pool ID. */
    private String poolId() {
        byte[] g = new byte[4];
        rnd.nextBytes(g);
        String key = rnd.nextBoolean() ? liveSubnet.replace('/', '_') : "10.99." + rnd.nextInt(256) + ".0_24";
        return key + "_" + HexFormat.of().formatHex(g);
    }

    private String base() {
        return liveSubnet.substring(0, liveSubnet.lastIndexOf('.') + 1);
    }

    /** A JSON object (field -> raw JSON value) for {@code endpoint}, harmless by construction. */
    private Map<String, String> fields(String endpoint) {
        Map<String, String> f = new TreeMap<>();
        String name = endpoint.substring(endpoint.lastIndexOf('.') + 1);
        switch (name) {
            case "CreateNetwork", "AllocateNetwork" -> {
                f.put("NetworkID", q(id()));
                f.put("Options", "{\"com.docker.network.driver.mtu\":\"99999999999999999999\"}");
                f.put("IPv4Data", "[{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"" + base() + "0/99\",\"Gateway\":\""
                        + base() + "1/24\"}]");
                f.put("IPv6Data", "[{\"Pool\":\"fd00::/129\"}]");
            }
            case "DeleteNetwork", "FreeNetwork" -> f.put("NetworkID", q(id()));
            case "CreateEndpoint" -> {
                f.put("NetworkID", q(id()));
                f.put("EndpointID", q(id()));
                f.put("Interface", "{\"Address\":\"" + base() + "9/24\",\"AddressIPv6\":\"\",\"MacAddress\":\"02:42:c6:12:89:09\"}");
                f.put("Options", "{}");
            }
            case "EndpointOperInfo", "DeleteEndpoint", "Leave", "RevokeExternalConnectivity" -> {
                f.put("NetworkID", q(id()));
                f.put("EndpointID", q(id()));
            }
            case "Join" -> {
                f.put("NetworkID", q(id()));
                f.put("EndpointID", q(id()));
                f.put("SandboxKey", q("/var/run/docker/netns/" + id().substring(0, 12)));
                f.put("Options", "{}");
            }
            case "ProgramExternalConnectivity" -> {
                f.put("NetworkID", q(id()));
                f.put("EndpointID", q(id()));
                f.put("Options", "{\"com.docker.network.portmap\":[{\"Proto\":6,\"Port\":80,\"HostPort\":99999}]}");
            }
            case "DiscoverNew", "DiscoverDelete" -> {
                f.put("DiscoveryType", "1");
                f.put("DiscoveryData", "{\"Address\":\"198.18.0.99\",\"self\":false}");
            }
            case "RequestPool" -> {
                f.put("AddressSpace", q("JavaOverlayLocal"));
                f.put("Pool", q(base() + (rnd.nextBoolean() ? "0/25" : "128/26"))); // overlaps the live pool
                f.put("SubPool", q(""));
                f.put("Options", "{}");
                f.put("V6", "false");
            }
            case "ReleasePool" -> f.put("PoolID", q(poolId()));
            case "RequestAddress" -> {
                f.put("PoolID", q(poolId()));
                f.put("Address", q(base() + (2 + rnd.nextInt(250))));
                f.put("Options", rnd.nextBoolean() ? "{}" : "{\"RequestAddressType\":\"com.docker.network.gateway\"}");
            }
            case "ReleaseAddress" -> {
                f.put("PoolID", q(poolId()));
                f.put("Address", q(base() + (2 + rnd.nextInt(250))));
            }
            default -> { // Activate, GetCapabilities, GetDefaultAddressSpaces take no body
            }
        }
        return f;
    }

    private static String q(String s) {
        return "\"" + s + "\"";
    }

    private static String object(Map<String, String> f) {
        StringBuilder sb = new StringBuilder("{");
        f.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(q(k)).append(':').append(v));
        return sb.append('}').toString();
    }

    private String endpoint() {
        return ENDPOINTS.get(rnd.nextInt(ENDPOINTS.size()));
    }

    private <T> T pick(List<T> l) {
        return l.get(rnd.nextInt(l.size()));
    }

    /** A Docker-shaped request with {@code extraHeaders} and the given Content-Length text. */
    private static byte[] request(String method, String path, String contentLength, String extraHeaders, byte[] body) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: plugin.moby.localhost\r\nUser-Agent: Go-http-client/1.1\r\n"
                + (contentLength == null ? "" : "Content-Length: " + contentLength + "\r\n")
                + "Accept: application/vnd.docker.plugins.v1.2+json\r\n" + extraHeaders + "\r\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] post(String path, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return request("POST", path, Integer.toString(b.length), "", b);
    }

    // ------------------------------------------------------------------------------ categories

    private byte[] randomBytes() {
        byte[] b = new byte[1 + rnd.nextInt(2048)];
        rnd.nextBytes(b);
        return b;
    }

    private byte[] garbageHeaders() {
        byte[] junk = new byte[1 + rnd.nextInt(512)];
        rnd.nextBytes(junk);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("POST " + endpoint() + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(junk);
        out.writeBytes("\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private byte[] truncatedJson() {
        String ep = endpoint();
        String full = object(fields(ep));
        return post(ep, full.substring(0, rnd.nextInt(full.length()))); // always cut before the closing brace
    }

    private byte[] mutated(List<String> values) {
        String ep = endpoint();
        Map<String, String> f = fields(ep);
        if (f.isEmpty()) {
            f.put("Unexpected", pick(values));
        } else {
            List<String> keys = new ArrayList<>(f.keySet());
            f.put(keys.get(rnd.nextInt(keys.size())), pick(values));
        }
        return post(ep, object(f));
    }

    private byte[] unknownIds() {
        String ep = endpoint();
        return post(ep, object(fields(ep)));
    }

    private byte[] pathTrick() {
        String ep = endpoint();
        String body = object(fields(ep));
        String name = ep.substring(1);
        List<Function<String, String>> tricks = List.of(
                p -> "/.." + p, p -> "/%2e%2e" + p, p -> "/%2E%2E%2F" + name, p -> "/./" + name, p -> "/" + p,
                p -> p + "/..", p -> p + "/../../../../etc/passwd", p -> p + "%00", p -> p + "%00.json",
                p -> "/%00", p -> "/%ff%fe" + name, p -> "/NetworkDriver.%4Aoin", p -> p.toLowerCase(),
                p -> p + "?x=" + "y".repeat(5000), p -> "http://evil.example" + p, p -> "*",
                p -> "/Plugin.Activate/../../.." + p, p -> "\\..\\" + name, p -> p + "#frag", p -> p + ";jsessionid=1",
                p -> "/" + "a".repeat(1000 + rnd.nextInt(200_000)), p -> p + "/" + "%2e%2e/".repeat(2000),
                p -> "/NetworkDriver.J\u00f6in", p -> "/" + name.replace('.', '/'));
        String path = pick(tricks).apply(ep);
        if (rnd.nextInt(8) == 0) { // a raw NUL byte inside the path
            int at = 1 + rnd.nextInt(Math.max(1, Math.min(path.length(), 40) - 1));
            path = path.substring(0, at) + '\0' + path.substring(at);
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return request("POST", path, Integer.toString(b.length), "", b);
    }

    private byte[] badFraming() {
        String ep = endpoint();
        byte[] body = object(fields(ep)).getBytes(StandardCharsets.UTF_8);
        return switch (rnd.nextInt(14)) {
            case 0 -> request("POST", ep, "99999999999999999999", "", body);
            case 1 -> request("POST", ep, "-1", "", body);
            case 2 -> request("POST", ep, "1e3", "", body);
            case 3 -> request("POST", ep, Integer.toString(body.length + 1 + rnd.nextInt(1 << 20)), "", body);
            case 4 -> request("POST", ep, "0", "", body);
            case 5 -> request("POST", ep, Integer.toString(body.length), "Content-Length: " + (body.length + 7) + "\r\n", body);
            case 6 -> request("POST", ep, null, "Transfer-Encoding: chunked\r\n",
                    ("ffffffffffffffff\r\n" + new String(body, StandardCharsets.UTF_8) + "\r\n0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            case 7 -> request("POST", ep, null, "Transfer-Encoding: chunked\r\n", "-5\r\nabc\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            case 8 -> request("POST", ep, Integer.toString(body.length), "Transfer-Encoding: chunked\r\n", body);
            case 9 -> request("POST", ep, "2147483648", "", body);
            case 10 -> request("POST", ep, Integer.toString(body.length), "X-Long: " + "h".repeat(100_000) + "\r\n", body);
            case 11 -> request("POST", ep, Integer.toString(body.length), "X-Many: 1\r\n".repeat(5000), body);
            case 12 -> ("POST " + ep + " HTTP/2.0\r\nContent-Length: " + body.length + "\r\n\r\n"
                    + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            default -> ("POST " + ep + "\r\n\r\n" + new String(body, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        };
    }

    /** The {@code n}-th request of the run (categories interleaved in fixed proportions). */
    byte[] next(int n) {
        int slot = n % 50; // per 50: 6 random, 3 garbage, 10 truncated, 10 wrong types, 4 huge, 8 unknown, 5 paths, 4 framing
        if (slot < 6) {
            return randomBytes();
        } else if (slot < 9) {
            return garbageHeaders();
        } else if (slot < 19) {
            return truncatedJson();
        } else if (slot < 29) {
            return mutated(WRONG);
        } else if (slot < 33) {
            return mutated(HUGE);
        } else if (slot < 41) {
            return unknownIds();
        } else if (slot < 46) {
            return pathTrick();
        }
        return badFraming();
    }

    // ---------------------------------------------------------------------------------- sending

    /**
     * Sends {@code count} requests to {@code socket}, {@code parallel} at a time, each on its own
     * connection: write, half-close, read one response (or until the server closes), with a 5 s
     * limit per request. Outcomes: {@code http-NXX} by status class, {@code closed} (no response),
     * {@code timeout}, {@code refused} (could not connect: the daemon is gone).
     */
    Stats fire(Path socket, int count, int parallel) throws InterruptedException {
        List<byte[]> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(next(i));
        }
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        long t0 = System.nanoTime();
        for (byte[] r : requests) {
            pool.execute(() -> outcomes.merge(send(socket, r, watchdog, Duration.ofSeconds(5)), 1, Integer::sum));
        }
        pool.shutdown();
        if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
            pool.shutdownNow();
        }
        watchdog.shutdownNow();
        return new Stats(count, new TreeMap<>(outcomes), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    private static String send(Path socket, byte[] request, ScheduledExecutorService watchdog, Duration limit) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return "refused";
        }
        AtomicInteger timedOut = new AtomicInteger();
        ScheduledFuture<?> alarm = watchdog.schedule(() -> {
            timedOut.set(1);
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing is all we want
            }
        }, limit.toMillis(), TimeUnit.MILLISECONDS);
        try (ch) {
            try {
                ByteBuffer out = ByteBuffer.wrap(request);
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                ch.shutdownOutput();
            } catch (IOException e) {
                // the server may close early (e.g. 413, or a request line it rejects): read what it said
            }
            return readResponse(ch);
        } catch (IOException e) {
            return timedOut.get() == 1 ? "timeout" : "closed";
        } finally {
            alarm.cancel(false);
        }
    }

    /** Reads one response head (and body, by Content-Length); returns its status class. */
    private static String readResponse(SocketChannel ch) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (true) {
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) {
                break;
            }
            got.write(buf.array(), 0, n);
            String text = got.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)\r\ncontent-length:\\s*(\\d+)").matcher(text.substring(0, end));
                if (m.find() && text.length() - end - 4 >= Integer.parseInt(m.group(1))) {
                    break;
                }
            }
        }
        String text = got.toString(StandardCharsets.ISO_8859_1);
        if (text.startsWith("HTTP/1.") && text.length() >= 12) {
            return "http-" + text.charAt(9) + "xx";
        }
        return text.isEmpty() ? "closed" : "non-http";
    }

    /**
     * Slowloris: opens {@code connections} connections that each send a request head one byte every
     * 500 ms for {@code hold}, and while they are open runs {@code whileOpen} (e.g. a timed Activate).
     * Returns how many of them the server had closed by the end.
     */
    static int slowloris(Path socket, int connections, Duration hold, Runnable whileOpen) throws IOException {
        List<SocketChannel> open = new ArrayList<>();
        byte[] head = "POST /NetworkDriver.CreateNetwork HTTP/1.1\r\nHost: plugin.moby.localhost\r\nX-Slow: "
                .getBytes(StandardCharsets.US_ASCII);
        int closedByServer = 0;
        try {
            for (int i = 0; i < connections; i++) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(socket));
                ch.write(ByteBuffer.wrap(head));
                open.add(ch);
            }
            long end = System.nanoTime() + hold.toNanos();
            boolean ran = false;
            while (System.nanoTime() < end) {
                for (SocketChannel ch : open) {
                    if (ch.isOpen()) {
                        try {
                            ch.write(ByteBuffer.wrap(new byte[] {'a'}));
                        } catch (IOException closed) {
                            ch.close();
                            closedByServer++;
                        }
                    }
                }
                if (!ran && System.nanoTime() > end - hold.toNanos() / 2) {
                    whileOpen.run();
                    ran = true;
                }
                PluginProcess.sleep(500);
            }
        } finally {
            for (SocketChannel ch : open) {
                ch.close();
            }
        }
        return closedByServer;
    }
}
