package io.javaoverlay.server.e2e;

import static io.javaoverlay.server.e2e.OverlayProbe.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, broadcast and multicast part, on the same testbed as {@link DualStackSuite}: BUM frames
 * cross hosts only on a network created with {@code -o javaoverlay.bum=replicate} (head-end
 * replication: all-zero-MAC FDB entries to every peer VTEP). Checked with a real application (socat)
 * and with captures on the underlay bridge:
 * <ul>
 *   <li>off (the default, network {@code ds}): a broadcast and a multicast datagram from h1 reach a
 *       receiver on h1 and no other host, and no VXLAN frame carries them;</li>
 *   <li>on (network {@code bum}): IPv4 broadcast, IPv4 multicast (group joined by the receivers) and
 *       IPv6 multicast from h1 reach every other host;</li>
 *   <li>unicast is still not flooded: unicast to a container goes only to its host; unicast to a MAC
 *       no endpoint has never leaves the sending host;</li>
 *   <li>ARP and neighbour solicitations are still answered on the sending host (no ARP or NS in any
 *       VXLAN frame).</li>
 * </ul>
 * Subclasses: {@link DualStackBumDocker26E2EIT}, {@link DualStackBumDocker28E2EIT}, {@link Ipv6UnderlayE2EIT}.
 */
abstract class DualStackBumSuite extends DualStackSuite {

    static final String BUM = "bum";
    static final String BUM_V4 = "198.18.141.0/24";
    static final String BUM_V6 = "fd00:141::/64";
    static final String GROUP4 = "239.1.1.1";
    static final String GROUP6 = "ff15::1:1";
    /** VXLAN UDP port (the daemon's default). */
    static final int VXLAN = 4789;

    /** host → container on {@link #BUM}; h1 has a second one ({@code bum-h1b}), the local receiver. */
    final Map<String, String> bumContainers = new TreeMap<>();
    /** Why {@link #BUM} could not be created, if it could not. */
    String bumFailure;

    String bum(String host) {
        return "bum-" + host;
    }

    /** Creates {@link #BUM} and its containers once; fails every BUM test with the reason if that failed. */
    void requireBum() {
        if (bumFailure != null) {
            fail("network " + BUM + " with -o javaoverlay.bum=replicate could not be created: " + bumFailure);
        }
        if (!bumContainers.isEmpty()) {
            return;
        }
        try {
            createEverywhere(BUM, "--ipv6", "--subnet", BUM_V4, "--subnet", BUM_V6, "-o", "javaoverlay.bum=replicate");
        } catch (RuntimeException | AssertionError e) {
            bumFailure = e.getMessage();
            throw e;
        }
        for (String h : tb.hostNames()) {
            run(h, bum(h), BUM);
            bumContainers.put(h, bum(h));
        }
        run("h1", "bum-h1b", BUM);
        bumContainers.put("h1b", "bum-h1b");
    }

    /** Starts a capture of VXLAN traffic to every other host, runs {@code traffic}, and returns the captures. */
    List<UnderlayCapture> capture(Runnable traffic) {
        List<UnderlayCapture> caps = new ArrayList<>();
        try {
            for (String h : others()) {
                caps.add(UnderlayCapture.start(h, VXLAN));
            }
            traffic.run();
            PluginProcess.sleep(500); // let the last frames cross the underlay bridge
        } finally {
            caps.forEach(UnderlayCapture::close);
        }
        return caps;
    }

    /**
     * Sends with {@code send} (up to 3 times, once a second) until the local receiver on h1 has the
     * marker: proof the datagram was really sent, so "not received elsewhere" means something.
     */
    void sendUntilLocalReceiverHasIt(Consumer<String> send, String localContainer, int port, String marker) {
        await(Duration.ofSeconds(5), "the receiver on h1 (" + localContainer + ") gets " + marker, () -> {
            send.accept(marker);
            PluginProcess.sleep(300);
            String got = Datagrams.received(tb, "h1", localContainer, port);
            return got.contains(marker) ? Optional.empty() : Optional.of("got '" + got + "'");
        });
    }

    /** An address of {@link #BUM_V4} that no container of {@link #BUM} has. */
    String unusedAddress() {
        List<String> used = new ArrayList<>();
        bumContainers.forEach((h, c) -> used.add(v4(h.substring(0, 2), c, BUM)));
        for (int i = 250; i < 255; i++) {
            if (!used.contains("198.18.141." + i)) {
                return "198.18.141." + i;
            }
        }
        throw new IllegalStateException("no unused address in 198.18.141.250-254: " + used);
    }

    @Test
    @Order(20)
    void bumOffBroadcastAndMulticastStayOnTheSendingHost() {
        requireDualStack();
        run("h1", "ds-h1b", DS);
        List<String> receivers = new ArrayList<>(List.of("h1"));
        receivers.addAll(others());
        for (String h : receivers) {
            String c = h.equals("h1") ? "ds-h1b" : ds(h);
            Datagrams.receiveIpv4(tb, h, c, 5101);
            Datagrams.receiveIpv4Multicast(tb, h, c, GROUP4, 5102);
        }
        String bcast = "jo-bcast-off-" + System.nanoTime();
        String mcast = "jo-mcast-off-" + System.nanoTime();
        List<UnderlayCapture> caps = capture(() -> {
            sendUntilLocalReceiverHasIt(m -> Datagrams.sendIpv4Broadcast(tb, "h1", ds("h1"), "198.18.140.255", 5101, m),
                    "ds-h1b", 5101, bcast);
            sendUntilLocalReceiverHasIt(m -> Datagrams.sendIpv4Multicast(tb, "h1", ds("h1"), GROUP4, 5102, m),
                    "ds-h1b", 5102, mcast);
        });
        for (String h : others()) {
            assertEquals("", Datagrams.received(tb, h, ds(h), 5101), "broadcast must not reach " + h + " without the option");
            assertEquals("", Datagrams.received(tb, h, ds(h), 5102), "multicast must not reach " + h + " without the option");
        }
        for (UnderlayCapture c : caps) {
            assertEquals(0, c.count(bcast) + c.count(mcast), "no VXLAN frame to " + c.host() + " carries them: " + c.summary());
        }
    }

    @Test
    @Order(21)
    void bumOptionValueIsValidated() {
        Testbed.Result bad = tb.docker("h1", "network", "create", "-d", "javaoverlay", "--ipam-driver", "javaoverlay",
                "--subnet", "198.18.143.0/24", "-o", "javaoverlay.bum=flood", "bum-bad");
        assertFalse(bad.ok(), bad.describe());
        assertTrue(bad.stderr().contains("javaoverlay.bum") && bad.stderr().contains("'flood'")
                && bad.stderr().contains("replicate"), "the error names the option, the bad value and the allowed one: "
                + bad.stderr());
        assertFalse(tb.docker("h1", "network", "inspect", "bum-bad").ok(), "nothing half-created");
    }

    @Test
    @Order(22)
    void bumReplicateBroadcastAndMulticastReachEveryOtherHost() {
        requireBum();
        for (String h : tb.hostNames()) {
            String c = h.equals("h1") ? "bum-h1b" : bum(h);
            Datagrams.receiveIpv4(tb, h, c, 5201);
            Datagrams.receiveIpv4Multicast(tb, h, c, GROUP4, 5202);
            Datagrams.receiveIpv6Multicast(tb, h, c, GROUP6, 5203);
        }
        String bcast = "jo-bcast-on-" + System.nanoTime();
        String mcast = "jo-mcast-on-" + System.nanoTime();
        String mcast6 = "jo-mcast6-on-" + System.nanoTime();
        List<UnderlayCapture> caps = capture(() -> {
            sendUntilLocalReceiverHasIt(m -> Datagrams.sendIpv4Broadcast(tb, "h1", bum("h1"), "198.18.141.255", 5201, m),
                    "bum-h1b", 5201, bcast);
            sendUntilLocalReceiverHasIt(m -> Datagrams.sendIpv4Multicast(tb, "h1", bum("h1"), GROUP4, 5202, m),
                    "bum-h1b", 5202, mcast);
            sendUntilLocalReceiverHasIt(m -> Datagrams.sendIpv6Multicast(tb, "h1", bum("h1"), GROUP6, 5203, m),
                    "bum-h1b", 5203, mcast6);
            for (String h : others()) {
                await(Duration.ofSeconds(5), "broadcast, multicast and IPv6 multicast from h1 reach " + h, () -> {
                    String got = Datagrams.received(tb, h, bum(h), 5201) + Datagrams.received(tb, h, bum(h), 5202)
                            + Datagrams.received(tb, h, bum(h), 5203);
                    return got.contains(bcast) && got.contains(mcast) && got.contains(mcast6) ? Optional.empty()
                            : Optional.of(h + " got '" + got + "'");
                });
            }
        });
        for (UnderlayCapture c : caps) {
            assertTrue(c.count(bcast) >= 1 && c.count(mcast) >= 1 && c.count(mcast6) >= 1,
                    "VXLAN frames to " + c.host() + " carry all three: " + c.summary());
        }
    }

    @Test
    @Order(23)
    void bumReplicateStillSendsUnicastOnlyToItsHostAndUnknownUnicastNowhere() {
        requireBum();
        String peer = others().get(0);
        Datagrams.receiveIpv4(tb, peer, bum(peer), 5301);
        Datagrams.receiveIpv6(tb, peer, bum(peer), 5302);
        String v4 = v4(peer, bum(peer), BUM);
        String v6 = v6(peer, bum(peer), BUM);
        // A neighbour entry in h1's container for an address no endpoint has, with a MAC no endpoint has:
        // frames to it are unknown unicast for the bridge and the vxlan device.
        String nobody = unusedAddress();
        inContainerNetns("h1", bum("h1"), "ip", "neigh", "replace", nobody, "lladdr", "02:42:de:ad:be:ef",
                "dev", "eth0", "nud", "permanent").requireOk();
        String uni = "jo-unicast-" + System.nanoTime();
        String unknown = "jo-unknown-" + System.nanoTime();
        int n = 5;
        List<UnderlayCapture> caps = capture(() -> {
            for (int i = 0; i < n; i++) {
                Datagrams.sendUnicast(tb, "h1", bum("h1"), v4, 5301, uni);
                Datagrams.sendUnicast(tb, "h1", bum("h1"), v6, 5302, uni);
                Datagrams.sendUnicast(tb, "h1", bum("h1"), nobody, 5303, unknown);
            }
            await(Duration.ofSeconds(5), "unicast datagrams reach " + peer, () -> {
                String got = Datagrams.received(tb, peer, bum(peer), 5301) + Datagrams.received(tb, peer, bum(peer), 5302);
                return got.split(uni, -1).length - 1 == 2 * n ? Optional.empty() : Optional.of("got '" + got + "'");
            });
        });
        for (UnderlayCapture c : caps) {
            long expected = c.host().equals(peer) ? 2L * n : 0;
            assertEquals(expected, c.count(uni), "copies of unicast to " + peer + " seen at " + c.host() + ": " + c.summary());
            assertEquals(0, c.count(unknown), "unknown unicast must not leave h1 (seen at " + c.host() + "): " + c.summary());
        }
    }

    @Test
    @Order(24)
    void bumReplicateArpAndNeighbourSolicitationsAreStillAnsweredOnTheSendingHost() {
        requireBum();
        String peer = others().get(0);
        String v4 = v4(peer, bum(peer), BUM);
        String v6 = v6(peer, bum(peer), BUM);
        List<Testbed.Result> results = new ArrayList<>();
        List<UnderlayCapture> caps = capture(() -> {
            inContainerNetns("h1", bum("h1"), "ip", "neigh", "flush", "dev", "eth0").requireOk();
            results.add(tb.docker("h1", "exec", bum("h1"), "arping", "-c", "2", "-w", "3", "-I", "eth0", v4));
            results.add(tb.docker("h1", "exec", bum("h1"), "ping", "-6", "-c", "1", "-W", "2", v6));
            results.add(tb.docker("h1", "exec", bum("h1"), "arping", "-c", "1", "-w", "1", "-I", "eth0", unusedAddress()));
            results.add(tb.docker("h1", "exec", bum("h1"), "ping", "-6", "-c", "1", "-W", "1", "fd00:141::dead"));
        });
        assertTrue(results.get(0).ok() && results.get(0).stdout().contains("Received 2 response"),
                "ARP for " + v4 + " answered: " + results.get(0).describe());
        assertTrue(results.get(1).ok(), "neighbour solicitation for " + v6 + " answered: " + results.get(1).describe());
        assertFalse(results.get(2).ok(), "nobody answers ARP for an unknown address: " + results.get(2).describe());
        assertFalse(results.get(3).ok(), "nobody answers ND for an unknown address: " + results.get(3).describe());
        for (UnderlayCapture c : caps) {
            assertEquals(0, c.count("ARP,") + c.count("neighbor solicitation"),
                    "no ARP or neighbour solicitation crosses to " + c.host() + ": " + c.summary());
        }
    }

    @Test
    @Order(90)
    void networksAreRemovedEverywhere() {
        Map<String, String> all = new TreeMap<>();
        dsContainers.forEach(all::put);
        all.put("h1b", "ds-h1b");
        for (Map.Entry<String, String> e : all.entrySet()) {
            tb.docker(e.getKey().substring(0, 2), "rm", "-f", e.getValue());
        }
        bumContainers.forEach((h, c) -> tb.docker(h.substring(0, 2), "rm", "-f", c));
        for (String net : List.of(DS, BUM)) {
            tb.docker("h1", "network", "rm", net);
        }
        await(CONVERGE, "networks gone everywhere", () -> missing(DS, false).or(() -> missing(BUM, false)));
        for (String h : tb.hostNames()) {
            assertEquals(List.of(), OverlayProbe.ownedDevices(tb, h), "no javaoverlay device left on " + h);
        }
    }
}
