package io.javaoverlay.server.dns;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static io.javaoverlay.server.dns.Names.NET_A;
import static io.javaoverlay.server.dns.Names.query;
import static io.javaoverlay.server.dns.Names.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The resolver on real loopback sockets, with a fake upstream. */
class DnsServerTest {
    private final NameTable table = Names.table(rec(NET_A, "front", "e1", "h2", "web", List.of("www"), "10.77.0.2", null));
    private FakeUpstream up1;
    private FakeUpstream up2;
    private DnsServer server;

    @BeforeEach
    void setUp() throws IOException {
        up1 = new FakeUpstream();
        up2 = new FakeUpstream();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.close();
        }
        up1.close();
        up2.close();
    }

    private DnsServer start(DnsConfig c) throws IOException {
        server = new DnsServer(c, table, Names.containerAt("127.0.0.1", NET_A));
        server.start();
        return server;
    }

    private static DnsConfig config(List<InetSocketAddress> upstreams) {
        return DnsConfig.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).withUpstreams(upstreams)
                .withForwarding(Duration.ofMillis(300), 256);
    }

    private static String first(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).findFirst().orElse("none");
    }

    @Test
    void answersOurNamesOverUdpAndTcpAndRelaysTheRest() throws Exception {
        DnsServer s = start(config(List.of(up1.address())));
        Message local = DnsClient.udp(s.udpAddress(), query("web", Type.A), 2000).orElseThrow();
        assertEquals("10.77.0.2", first(local));
        assertEquals("10.77.0.2", first(DnsClient.tcp(s.tcpAddress(), query("www", Type.A), 2000)));
        assertEquals(0, up1.queries.get(), "our own names never reach the upstream");

        Message q = query("example.com", Type.A);
        Message relayed = DnsClient.udp(s.udpAddress(), q, 2000).orElseThrow();
        assertEquals(FakeUpstream.ANSWER, first(relayed));
        assertEquals(q.getHeader().getID(), relayed.getHeader().getID(), "the client gets its own ID back");
        assertEquals(FakeUpstream.ANSWER, first(DnsClient.tcp(s.tcpAddress(), query("example.org", Type.A), 2000)));
        assertEquals(2, up1.queries.get());
    }

    @Test
    void theNextUpstreamIsTriedAndAllFailingGivesServfail() throws Exception {
        up1.mode(FakeUpstream.Mode.SILENT);
        DnsServer s = start(config(List.of(up1.address(), up2.address())));
        Message m = DnsClient.udp(s.udpAddress(), query("example.com", Type.A), 3000).orElseThrow();
        assertEquals(FakeUpstream.ANSWER, first(m));
        assertEquals(1, up1.queries.get());
        up2.mode(FakeUpstream.Mode.SERVFAIL);
        Message fail = DnsClient.udp(s.udpAddress(), query("example.net", Type.A), 3000).orElseThrow();
        assertEquals(Rcode.SERVFAIL, fail.getRcode());
        assertEquals("example.net.", fail.getQuestion().getName().toString());
    }

    @Test
    void withoutUpstreamsUnknownNamesGetServfailAndOurNamesStillWork() throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.createTempFile("resolv", ".conf");
        try {
            DnsConfig c = config(List.of());
            c = new DnsConfig(c.listen(), List.of(), empty, 0, 64, 1, 100, 100, 8, Duration.ofMillis(300), 4,
                    Duration.ofSeconds(1));
            DnsServer s = start(c);
            assertEquals(List.of(), s.upstreams());
            assertEquals(Rcode.SERVFAIL, DnsClient.udp(s.udpAddress(), query("example.com", Type.A), 2000)
                    .orElseThrow().getRcode());
            assertEquals("10.77.0.2", first(DnsClient.udp(s.udpAddress(), query("web", Type.A), 2000).orElseThrow()));
        } finally {
            java.nio.file.Files.delete(empty);
        }
    }

    @Test
    void aSourceOverItsRateGetsNoAnswers() throws Exception {
        DnsServer s = start(config(List.of(up1.address())).withRateLimit(1, 5));
        int answered = 0;
        try (DatagramSocket sock = new DatagramSocket()) {
            sock.setSoTimeout(300);
            for (int i = 0; i < 30; i++) {
                byte[] w = query("web", Type.A).toWire();
                sock.send(new DatagramPacket(w, w.length, s.udpAddress()));
            }
            try {
                while (true) {
                    sock.receive(new DatagramPacket(new byte[512], 512));
                    answered++;
                }
            } catch (java.net.SocketTimeoutException done) {
                // no more answers
            }
        }
        assertTrue(answered >= 5 && answered < 30, "answered " + answered + " of 30 with a burst of 5");
        assertTrue(s.stats().rateLimited.get() > 0);
    }

    @Test
    void upstreamsComeFromResolvConfWithoutOurOwnAddress() throws Exception {
        java.nio.file.Path rc = java.nio.file.Files.createTempFile("resolv", ".conf");
        try {
            java.nio.file.Files.writeString(rc, "# comment\nsearch example\nnameserver 127.0.0.53\n"
                    + "nameserver 198.18.0.1\nnameserver fe80::1%eth0\nnameserver bogus\nnameserver 9.9.9.9\n");
            InetSocketAddress self = new InetSocketAddress(NameRecord.literal("198.18.0.1"), 53);
            DnsConfig c = DnsConfig.defaults(self);
            c = new DnsConfig(self, List.of(), rc, 0, 64, 1, 100, 100, 8, Duration.ofMillis(300), 4, Duration.ofSeconds(1));
            assertEquals(List.of(new InetSocketAddress(NameRecord.literal("127.0.0.53"), 53),
                    new InetSocketAddress(NameRecord.literal("fe80::1"), 53),
                    new InetSocketAddress(NameRecord.literal("9.9.9.9"), 53)), Upstreams.of(c));
        } finally {
            java.nio.file.Files.delete(rc);
        }
    }

    @Test
    void listenAddressesParse() {
        assertEquals(new InetSocketAddress(NameRecord.literal("198.18.0.1"), 53), DnsConfig.parseAddress("198.18.0.1"));
        assertEquals(new InetSocketAddress(NameRecord.literal("198.18.0.1"), 5353), DnsConfig.parseAddress("198.18.0.1:5353"));
        assertEquals(new InetSocketAddress(NameRecord.literal("fd00::1"), 53), DnsConfig.parseAddress("fd00::1"));
        assertEquals(new InetSocketAddress(NameRecord.literal("fd00::1"), 54), DnsConfig.parseAddress("[fd00::1]:54"));
        for (String bad : new String[] {"host.example", "1.2.3.4:0", "1.2.3.4:x", "[fd00::1", "[::1]x"}) {
            try {
                DnsConfig.parseAddress(bad);
                throw new AssertionError("accepted " + bad);
            } catch (IllegalArgumentException expected) {
                assertFalse(expected.getMessage().isEmpty());
            }
        }
        assertEquals(2, DnsConfig.parseAddresses("1.1.1.1, 8.8.8.8:53").size());
    }
}
