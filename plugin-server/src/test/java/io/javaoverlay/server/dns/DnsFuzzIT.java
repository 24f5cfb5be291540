package io.javaoverlay.server.dns;

import io.javaoverlay.server.protocol.PluginApi;
import io.javaoverlay.server.resource.DriverSettings;
import io.javaoverlay.server.resource.PluginApplication;
import io.javaoverlay.server.resource.Services;
import io.javaoverlay.server.testing.FakeIpamService;
import io.javaoverlay.server.testing.FakeClusterService;
import io.javaoverlay.server.testing.UdsHttpClient;
import io.javaoverlay.server.uds.UdsHttpServer;
import io.javaoverlay.server.uds.UdsListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.javaoverlay.server.dns.Names.NET_A;
import static io.javaoverlay.server.dns.Names.query;
import static io.javaoverlay.server.dns.Names.rec;
import static io.javaoverlay.server.testing.UdsHttpClient.dockerPost;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 100 000 malformed, random, truncated, hostile and huge UDP datagrams and 3 000 TCP sessions of
 * the same at the running resolver, while a client keeps calling the plugin socket (same JVM,
 * as in the daemon). Afterwards the resolver must still answer correctly (a local name over UDP
 * and TCP, a forwarded one), every reply it sent must have been a well-formed DNS response, no
 * query may have raised an exception, and the JVM must be healthy (threads and heap back to
 * normal). Seeded: a failure replays with the same seed ({@code -Dfuzz.seed=N}).
 */
class DnsFuzzIT {
    private static final int UDP_PACKETS = 100_000;
    private static final int TCP_SESSIONS = 3_000;

    @TempDir
    Path dir;

    @Test
    void survivesHostileTrafficAndKeepsThePluginSocketResponsive() throws Exception {
        long seed = Long.getLong("fuzz.seed", 20261204L);
        Random rnd = new Random(seed);
        NameTable table = Names.table(rec(NET_A, "front", "e1", "h2", "web", List.of("www"), "10.77.0.2", "fd77::2"));
        Path socket = dir.resolve("plugins/javaoverlay.sock");
        try (FakeUpstream upstream = new FakeUpstream();
             UdsHttpServer plugin = UdsHttpServer.start(UdsListener.bind(socket), PluginApplication.create(
                     Services.of(new FakeIpamService(), new FakeClusterService()), DriverSettings.withScope("local"), 1 << 20))) {
            DnsConfig cfg = DnsConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                    .withUpstreams(List.of(upstream.address())).withRateLimit(1_000_000, 1_000_000)
                    .withForwarding(Duration.ofMillis(500), 256);
            try (DnsServer dns = new DnsServer(cfg, table, Names.containerAt("127.0.0.1", NET_A))) {
                dns.start();
                System.gc();
                int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();

                AtomicBoolean fuzzing = new AtomicBoolean(true);
                List<Long> pluginLatencies = new ArrayList<>();
                AtomicLong pluginFailures = new AtomicLong();
                Thread pinger = new Thread(() -> {
                    while (fuzzing.get()) {
                        long t0 = System.nanoTime();
                        try (UdsHttpClient c = new UdsHttpClient(socket)) {
                            if (c.exchange(dockerPost("/" + PluginApi.ACTIVATE, "")).status() != 200) {
                                pluginFailures.incrementAndGet();
                            }
                        } catch (IOException e) {
                            pluginFailures.incrementAndGet();
                        }
                        synchronized (pluginLatencies) {
                            pluginLatencies.add(System.nanoTime() - t0);
                        }
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                pinger.start();

                Stats replies = new Stats();
                long t0 = System.nanoTime();
                fuzzUdp(dns, rnd, replies);
                fuzzTcp(dns, rnd, replies);
                long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
                fuzzing.set(false);
                pinger.join();

                // still correct
                Message local = DnsClient.udp(dns.udpAddress(), query("web", Type.A), 2000).orElseThrow();
                assertEquals("10.77.0.2", local.getSection(Section.ANSWER).get(0).rdataToString());
                Message tcp = DnsClient.tcp(dns.tcpAddress(), query("www.front", Type.AAAA), 2000);
                assertEquals(1, tcp.getSection(Section.ANSWER).size());
                Message fwd = DnsClient.udp(dns.udpAddress(), query("example.com", Type.A), 3000).orElseThrow();
                assertEquals(FakeUpstream.ANSWER, fwd.getSection(Section.ANSWER).get(0).rdataToString());

                // well-formed replies only, and no handler exception
                assertEquals(0, replies.malformed.get(), "replies that are not well-formed DNS responses");
                assertEquals(0, dns.stats().errors.get(), "queries that raised an exception: " + dns.stats());
                assertTrue(replies.received.get() > 10_000, "replies seen: " + replies.received);

                // the plugin socket stayed responsive
                long[] lat;
                synchronized (pluginLatencies) {
                    lat = pluginLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
                }
                assertEquals(0, pluginFailures.get(), "plugin socket calls that failed during the fuzzing");
                assertTrue(lat.length > 10, "plugin socket calls during the run: " + lat.length);
                long p99 = lat[(int) Math.min(lat.length - 1, Math.ceil(lat.length * 0.99) - 1)] / 1_000_000;
                long max = lat[lat.length - 1] / 1_000_000;
                assertTrue(max < 2_000, "slowest plugin call " + max + " ms");

                // the JVM is healthy: no thread leak, heap back down
                Thread.sleep(500);
                System.gc();
                int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
                long heapMb = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
                assertTrue(threadsAfter <= threadsBefore + 20, "threads " + threadsBefore + " -> " + threadsAfter);
                assertTrue(heapMb < 256, "heap in use after GC: " + heapMb + " MiB");

                System.out.printf("DnsFuzzIT seed %d: %d UDP datagrams + %d TCP sessions in %d ms; server %s; "
                                + "replies %d (all well-formed); plugin socket: %d calls, p99 %d ms, max %d ms; "
                                + "threads %d -> %d; heap %d MiB%n", seed, UDP_PACKETS, TCP_SESSIONS, elapsedMs,
                        dns.stats(), replies.received.get(), lat.length, p99, max, threadsBefore, threadsAfter, heapMb);
            }
        }
    }

    /** Counts replies and checks each is a parseable DNS response. */
    static final class Stats {
        final AtomicLong received = new AtomicLong();
        final AtomicLong malformed = new AtomicLong();

        void check(byte[] b, int len, boolean udp) {
            received.incrementAndGet();
            try {
                Message m = new Message(java.util.Arrays.copyOf(b, len));
                if (!m.getHeader().getFlag(Flags.QR) || (udp && len > QueryHandler.EDNS_PAYLOAD)) {
                    malformed.incrementAndGet();
                }
            } catch (IOException | RuntimeException e) {
                malformed.incrementAndGet();
            }
        }
    }

    private static void fuzzUdp(DnsServer dns, Random rnd, Stats replies) throws Exception {
        List<DatagramSocket> socks = new ArrayList<>();
        // 127.0.0.1 is a known container (scoped answers), 127.0.0.2 an unknown source (forwarded)
        for (String src : new String[] {"127.0.0.1", "127.0.0.2", "127.0.0.1", "127.0.0.3"}) {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(src), 0));
            s.setReceiveBufferSize(1 << 20);
            socks.add(s);
        }
        AtomicBoolean open = new AtomicBoolean(true);
        List<Thread> readers = new ArrayList<>();
        for (DatagramSocket s : socks) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[65535];
                while (open.get()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        s.receive(p);
                        replies.check(p.getData(), p.getLength(), true);
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            readers.add(t);
        }
        DnsServer.Stats st = dns.stats();
        for (int i = 0; i < UDP_PACKETS; i++) {
            byte[] p = packet(rnd);
            socks.get(i % socks.size()).send(new DatagramPacket(p, p.length, dns.udpAddress()));
            if (i % 256 == 255) {
                // pace to the server so (almost) every datagram is parsed, not dropped at the queue
                long deadline = System.nanoTime() + 2_000_000_000L;
                while (processed(st) < i - 512 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
            }
        }
        Thread.sleep(1500); // forwarded answers still on their way back
        open.set(false);
        socks.forEach(DatagramSocket::close);
        for (Thread t : readers) {
            t.join(2000);
        }
    }

    private static long processed(DnsServer.Stats s) {
        return s.answered.get() + s.forwarded.get() + s.dropped.get() + s.queueFull.get() + s.rateLimited.get()
                + s.errors.get();
    }

    private static void fuzzTcp(DnsServer dns, Random rnd, Stats replies) throws Exception {
        for (int i = 0; i < TCP_SESSIONS; i++) {
            try (Socket s = new Socket()) {
                s.connect(dns.tcpAddress(), 2000);
                s.setSoTimeout(2000);
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                int frames = 1 + rnd.nextInt(3);
                boolean wellFramed = true;
                List<byte[]> sent = new ArrayList<>();
                for (int f = 0; f < frames; f++) {
                    byte[] p = packet(rnd);
                    int kind = rnd.nextInt(10);
                    if (kind == 0) {
                        byte[] lie = new byte[2 + Math.min(p.length, 100)];
                        lie[0] = (byte) 0xff; // claims 65535 bytes, sends 100, then the client closes
                        lie[1] = (byte) 0xff;
                        System.arraycopy(p, 0, lie, 2, lie.length - 2);
                        sentRaw(out, lie);
                        wellFramed = false;
                        break;
                    } else if (kind == 1) {
                        sentRaw(out, new byte[] {p.length > 0 ? p[0] : 0}); // half a length prefix
                        wellFramed = false;
                        break;
                    }
                    sent.add(p);
                }
                try {
                    for (byte[] p : sent) {
                        out.writeShort(Math.min(p.length, 65535));
                        out.write(p, 0, Math.min(p.length, 65535));
                    }
                    out.flush();
                    s.shutdownOutput();
                } catch (IOException closedByServer) {
                    // the server ends a session that sent a non-query: what it wrote before still counts
                }
                if (wellFramed) {
                    java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
                    try {
                        while (true) {
                            int len = in.readUnsignedShort();
                            byte[] b = new byte[len];
                            in.readFully(b);
                            replies.check(b, len, false);
                        }
                    } catch (IOException endOfSession) {
                        // server closed, or dropped a non-query: fine
                    }
                }
            }
        }
    }

    private static void sentRaw(DataOutputStream out, byte[] b) {
        try {
            out.write(b);
        } catch (IOException closedByServer) {
            // fine: the server may close first
        }
    }

    /** One hostile datagram. */
    static byte[] packet(Random rnd) {
        int kind = rnd.nextInt(12);
        switch (kind) {
            case 0: // pure noise, any length up to 600
                return random(rnd, rnd.nextInt(600));
            case 1: { // a valid query, truncated anywhere
                byte[] q = validQuery(rnd);
                return java.util.Arrays.copyOf(q, rnd.nextInt(q.length + 1));
            }
            case 2: { // a valid query with bit flips
                byte[] q = validQuery(rnd);
                for (int i = 0, n = 1 + rnd.nextInt(8); i < n; i++) {
                    q[rnd.nextInt(q.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
                return q;
            }
            case 3: { // absurd section counts
                byte[] q = validQuery(rnd);
                for (int i = 4; i < 12; i++) {
                    q[i] = (byte) rnd.nextInt(256);
                }
                return q;
            }
            case 4: { // a compression pointer loop in the question name
                byte[] h = random(rnd, 12);
                h[2] &= 0x7f; // not a response
                h[4] = 0;
                h[5] = 1;
                return concat(h, new byte[] {(byte) 0xC0, 12, 0, 1, 0, 1});
            }
            case 5: { // huge: 4 KiB .. 64 KiB of labels or noise
                int n = 4096 + rnd.nextInt(60_000);
                byte[] b = random(rnd, n);
                b[2] &= 0x7f;
                if (rnd.nextBoolean()) {
                    for (int i = 12; i + 64 < n; i += 64) {
                        b[i] = 63; // endless 63-byte labels, far past the 255-byte name limit
                    }
                }
                return b;
            }
            case 6: { // responses (QR set) must get nothing
                byte[] q = validQuery(rnd);
                q[2] |= (byte) 0x80;
                return q;
            }
            case 7: { // EDNS with odd versions, sizes and options
                Message m = query(rnd.nextBoolean() ? "web" : "x" + rnd.nextInt(1000) + ".example", Type.A);
                m.addRecord(new OPTRecord(rnd.nextInt(65536), rnd.nextInt(256), rnd.nextInt(3)), Section.ADDITIONAL);
                return m.toWire();
            }
            default: // valid queries of random names, types and opcodes (these reach the lookup and forwarder)
                return validQuery(rnd);
        }
    }

    private static byte[] validQuery(Random rnd) {
        String[] names = {"web", "www", "web.front", "WWW.FRONT", "example.com", "a.b.c.d.e.f.g", "2.0.77.10.in-addr.arpa",
                "front", "web.back", "x" + rnd.nextInt(100000) + ".test"};
        int[] types = {Type.A, Type.AAAA, Type.PTR, Type.ANY, Type.MX, Type.TXT, Type.SRV, Type.AXFR, Type.IXFR,
                rnd.nextInt(65536)};
        Message m = query(names[rnd.nextInt(names.length)], types[rnd.nextInt(types.length)]);
        if (rnd.nextInt(10) == 0) {
            m.getHeader().setOpcode(rnd.nextInt(16));
        }
        if (rnd.nextInt(10) == 0) {
            Record extra = query("web", Type.A).getQuestion();
            m.addRecord(extra, Section.QUESTION);
        }
        return m.toWire();
    }

    private static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @SuppressWarnings("unused")
    private static boolean isError(Message m) {
        return m.getRcode() != Rcode.NOERROR;
    }
}
