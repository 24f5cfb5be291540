package io.javaoverlay.netlink.it;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.BridgePortSettings;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.testing.FreshNetnsExtension;
import io.javaoverlay.netlink.testing.IpRoute2;
import io.javaoverlay.netlink.testing.TestNetns;
import io.javaoverlay.testing.Requirements;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge's own FDB: static master entries, and entries the bridge learned from traffic, found
 * with their port and deleted. Cross-checked with {@code bridge -j fdb show br BR}. Traffic: a
 * "container" namespace behind a veth port pings the bridge's address, so the bridge learns the
 * container's MAC on that port.
 */
@Tag("privileged")
@ExtendWith(FreshNetnsExtension.class)
class BridgeFdbIT {
    private static final MacAddress STATIC_MAC = MacAddress.parse("02:42:c6:12:00:07");
    private static final MacAddress CONTAINER_MAC = MacAddress.parse("02:42:c6:12:05:02");

    private record Plumbing(Link bridge, Link port, TestNetns container) {}

    /** jo-br0 198.18.5.1/24 with port jo-p0; the other end is jo-eth0 198.18.5.2/24 in a container namespace. */
    private static Plumbing plumb(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        TestNetns c = t.another("c");
        // Without IPv6 the container sends only what a test provokes (no router solicitations or MLD
        // reports that the bridge would learn from at any moment), so FDB snapshots compare exactly.
        Requirements.require(Requirements.onPath("sysctl"), "sysctl on PATH");
        IpRoute2.Result quiet = c.exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1");
        assertTrue(quiet.ok(), quiet.stderr());
        Link br = h.linkAdd(new Bridge(LinkAttrs.named("jo-br0").withUp(true)));
        h.addrAdd(br.index(), IpPrefix.parse("198.18.5.1/24"));
        Link port = h.linkAdd(new Veth(LinkAttrs.named("jo-p0").withMaster(br.index()).withUp(true), "jo-eth0",
                Optional.of(c.ns()), 0));
        Link eth = c.handle().linkByName("jo-eth0");
        c.handle().linkSetHardwareAddr(eth.index(), CONTAINER_MAC);
        c.handle().addrAdd(eth.index(), IpPrefix.parse("198.18.5.2/24"));
        c.handle().linkSetUp(eth.index());
        return new Plumbing(br, port, c);
    }

    private static void ping(TestNetns from, String to) {
        Requirements.require(Requirements.onPath("ping"), "ping on PATH");
        IpRoute2.Result r = from.exec("ping", "-c", "1", "-W", "2", to);
        assertTrue(r.ok(), "ping " + to + ":\n" + r.stdout() + r.stderr());
    }

    private static Map<String, Object> bridgeRow(String mac, String ifname, String state) {
        return new TreeMap<>(Map.of("mac", mac, "ifname", ifname, "master", "jo-br0", "dst", "", "flags", "", "state", state));
    }

    @Test
    void staticEntryReplacedHereShowsInBridgeFdbAndIsDeleted(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Plumbing p = plumb(t);
        h.fdbSet(FdbEntry.masterStatic(p.port().index(), STATIC_MAC));
        h.fdbSet(FdbEntry.masterStatic(p.port().index(), STATIC_MAC)); // replace: idempotent
        List<Map<String, Object>> rows = IpRoute2.fdbOfBridge(t.name(), "jo-br0");
        assertTrue(rows.contains(bridgeRow(STATIC_MAC.toString(), "jo-p0", "static")), rows.toString());

        FdbEntry read = h.fdbListBridge(p.bridge().index()).stream().filter(e -> e.mac().equals(STATIC_MAC))
                .findFirst().orElseThrow();
        assertTrue(read.isStatic() && read.isMaster() && !read.isDynamic(), read.toString());
        assertEquals(p.port().index(), read.linkIndex());
        assertEquals(p.bridge().index(), read.masterIndex());

        h.fdbDel(read); // as read back, no rebuilding
        assertFalse(IpRoute2.fdbOfBridge(t.name(), "jo-br0").stream().anyMatch(r -> r.get("mac").equals(STATIC_MAC.toString())));
        assertThrows(NotFoundException.class, () -> h.fdbDel(FdbEntry.masterStatic(p.port().index(), STATIC_MAC)));
    }

    @Test
    void learnedEntryIsListedWithItsPortAndCanBeDeleted(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Plumbing p = plumb(t);
        ping(p.container(), "198.18.5.1");

        List<FdbEntry> ours = h.fdbListBridge(p.bridge().index());
        List<FdbEntry> learned = ours.stream().filter(FdbEntry::isDynamic).toList();
        assertEquals(1, learned.size(), ours.toString());
        FdbEntry l = learned.get(0);
        assertEquals(CONTAINER_MAC, l.mac());
        assertEquals(p.port().index(), l.linkIndex());
        assertTrue(l.isMaster() && !l.isSelf(), l.toString());
        List<Map<String, Object>> theirs = IpRoute2.fdbOfBridge(t.name(), "jo-br0");
        assertTrue(theirs.contains(bridgeRow(CONTAINER_MAC.toString(), "jo-p0", "")), theirs.toString());
        // the same entries as bridge(8) shows, keyed by (mac, device)
        Set<String> ourKeys = new HashSet<>();
        for (FdbEntry e : ours) {
            ourKeys.add(e.mac() + " " + h.linkByIndex(e.linkIndex()).name());
        }
        assertEquals(keys(theirs), ourKeys);
        // per port too: bridge fdb show dev jo-p0 includes the learned entry
        assertTrue(h.fdbList(p.port().index()).contains(l));

        // what a caller does to flush a port: stop learning on it (or anything the container sends
        // meanwhile re-teaches the bridge), then find the port's learned entries and delete each as read
        h.bridgePortSet(p.port().index(), BridgePortSettings.builder().learning(false).build());
        for (FdbEntry e : h.fdbList(p.port().index())) {
            if (e.isDynamic()) {
                h.fdbDel(e);
            }
        }
        assertFalse(IpRoute2.fdbOfBridge(t.name(), "jo-br0").stream().anyMatch(r -> r.get("mac").equals(CONTAINER_MAC.toString())));
        assertTrue(h.fdbListBridge(p.bridge().index()).stream().noneMatch(FdbEntry::isDynamic));
    }

    private static Set<String> keys(List<Map<String, Object>> rows) {
        Set<String> out = new HashSet<>();
        rows.forEach(r -> out.add(r.get("mac") + " " + r.get("ifname")));
        return out;
    }

    @Test
    void withLearningOffThePortLearnsNothing(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Plumbing p = plumb(t);
        h.bridgePortSet(p.port().index(), BridgePortSettings.builder().learning(false).build());
        ping(p.container(), "198.18.5.1");
        assertTrue(h.fdbListBridge(p.bridge().index()).stream().noneMatch(FdbEntry::isDynamic));
        assertFalse(IpRoute2.fdbOfBridge(t.name(), "jo-br0").stream().anyMatch(r -> r.get("mac").equals(CONTAINER_MAC.toString())));
    }

    @Test
    void entriesAddedByBridgeCommandDecodeHere(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Plumbing p = plumb(t);
        t.bridge("fdb", "add", STATIC_MAC.toString(), "dev", "jo-p0", "master", "static");
        // "dynamic" ages like a learned entry; the kernel accepts it only on a learning/forwarding port
        t.bridge("fdb", "add", "02:42:c6:12:00:08", "dev", "jo-p0", "master", "dynamic");
        List<FdbEntry> onPort = h.fdbList(p.port().index());
        assertTrue(onPort.stream().anyMatch(e -> e.mac().equals(STATIC_MAC) && e.isStatic() && e.isMaster()), onPort.toString());
        assertTrue(onPort.stream().anyMatch(e -> e.mac().equals(MacAddress.parse("02:42:c6:12:00:08")) && e.isDynamic()),
                onPort.toString());
        assertTrue(onPort.stream().anyMatch(e -> e.isMaster() && e.isPermanent()), "the port's own address: " + onPort);
        assertEquals(IpRoute2.fdb(t.name(), "jo-p0").size(), onPort.size());
        assertThrows(NotFoundException.class, () -> h.fdbListBridge(9999));
    }
}
