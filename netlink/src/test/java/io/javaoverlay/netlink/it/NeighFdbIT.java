package io.javaoverlay.netlink.it;

import static io.javaoverlay.netlink.testing.IpRoute2.fdbRow;
import static io.javaoverlay.netlink.testing.IpRoute2.neighRow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.AlreadyExistsException;
import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.Family;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.netlink.testing.FreshNetnsExtension;
import io.javaoverlay.netlink.testing.IpRoute2;
import io.javaoverlay.netlink.testing.TestNetns;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.MacAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Neighbour (ARP/ND) and FDB entries, cross-checked with {@code ip -j neigh} / {@code bridge -j fdb}. */
@Tag("privileged")
@ExtendWith(FreshNetnsExtension.class)
class NeighFdbIT {
    private static final MacAddress C1 = MacAddress.parse("02:42:c6:12:01:05");
    private static final MacAddress C2 = MacAddress.parse("02:42:c6:12:01:06");

    private static IpAddress ip(String s) {
        return IpAddress.parse(s);
    }

    private static Link vxlan(NetlinkHandle h) throws Exception {
        Link br = h.linkAdd(new Bridge(LinkAttrs.named("jo-br0").withUp(true)));
        return h.linkAdd(Vxlan.builder(LinkAttrs.named("jo-vx0").withMaster(br.index()).withUp(true), 4242)
                .local(ip("198.18.0.1")).learning(false).proxy(true).build());
    }

    @Test
    void fdbEntriesCreatedHereShowInBridgeFdb(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Link vx = vxlan(h);
        h.fdbAdd(FdbEntry.toVtep(vx.index(), C1, ip("198.18.0.2")));
        assertThrows(AlreadyExistsException.class, () -> h.fdbAdd(FdbEntry.toVtep(vx.index(), C1, ip("198.18.0.2"))));
        h.fdbSet(FdbEntry.toVtep(vx.index(), C1, ip("198.18.0.3")));      // replace moves it
        h.fdbAppend(FdbEntry.toVtep(vx.index(), MacAddress.ZERO, ip("198.18.0.2")));
        h.fdbAppend(FdbEntry.toVtep(vx.index(), MacAddress.ZERO, ip("198.18.0.3")));
        List<Map<String, Object>> rows = IpRoute2.fdb(t.name(), "jo-vx0");
        assertTrue(rows.contains(fdbRow(C1.toString(), "198.18.0.3", "self", "permanent")), rows.toString());
        assertFalse(rows.contains(fdbRow(C1.toString(), "198.18.0.2", "self", "permanent")), rows.toString());
        assertTrue(rows.contains(fdbRow("00:00:00:00:00:00", "198.18.0.2", "self", "permanent")), rows.toString());
        assertTrue(rows.contains(fdbRow("00:00:00:00:00:00", "198.18.0.3", "self", "permanent")), rows.toString());

        h.fdbDel(FdbEntry.toVtep(vx.index(), MacAddress.ZERO, ip("198.18.0.2")));
        h.fdbDel(FdbEntry.toVtep(vx.index(), C1, ip("198.18.0.3")));
        rows = IpRoute2.fdb(t.name(), "jo-vx0");
        assertFalse(rows.contains(fdbRow("00:00:00:00:00:00", "198.18.0.2", "self", "permanent")), rows.toString());
        assertTrue(rows.contains(fdbRow("00:00:00:00:00:00", "198.18.0.3", "self", "permanent")), rows.toString());
        assertFalse(rows.stream().anyMatch(r -> r.get("mac").equals(C1.toString())), rows.toString());
        assertThrows(NotFoundException.class, () -> h.fdbDel(FdbEntry.toVtep(vx.index(), C1, ip("198.18.0.3"))));
    }

    @Test
    void fdbEntriesCreatedByBridgeCommandDecodeHere(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Link vx = vxlan(h);
        t.bridge("fdb", "append", "00:00:00:00:00:00", "dev", "jo-vx0", "dst", "198.18.0.7", "self", "permanent");
        t.bridge("fdb", "add", C2.toString(), "dev", "jo-vx0", "dst", "198.18.0.8", "self", "permanent", "vni", "99");
        List<FdbEntry> entries = h.fdbList(vx.index());
        assertTrue(entries.stream().anyMatch(e -> e.mac().isZero() && e.destination().equals(Optional.of(ip("198.18.0.7")))
                && e.isPermanent() && (e.flags() & FdbEntry.NTF_SELF) != 0), entries.toString());
        assertTrue(entries.stream().anyMatch(e -> e.mac().equals(C2) && e.destination().equals(Optional.of(ip("198.18.0.8")))
                && e.vni() == 99), entries.toString());
        assertEquals(IpRoute2.fdb(t.name(), "jo-vx0").size(), entries.size());
    }

    @Test
    void neighboursBothDirectionsBothFamilies(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Link vx = vxlan(h);
        h.neighAdd(Neighbor.permanent(vx.index(), ip("198.18.1.5"), C1));
        assertThrows(AlreadyExistsException.class, () -> h.neighAdd(Neighbor.permanent(vx.index(), ip("198.18.1.5"), C1)));
        h.neighSet(Neighbor.permanent(vx.index(), ip("198.18.1.5"), C2)); // replace changes the MAC
        h.neighSet(Neighbor.permanent(vx.index(), ip("2001:db8::5"), C1));
        List<Map<String, Object>> rows = IpRoute2.neigh(t.name(), "jo-vx0");
        assertTrue(rows.contains(neighRow("198.18.1.5", C2.toString(), "permanent")), rows.toString());
        assertTrue(rows.contains(neighRow("2001:db8::5", C1.toString(), "permanent")), rows.toString());

        t.ip("neigh", "add", "198.18.1.6", "lladdr", C1.toString(), "dev", "jo-vx0", "nud", "permanent");
        List<Neighbor> mine = h.neighList(vx.index(), Family.INET);
        assertTrue(mine.contains(Neighbor.permanent(vx.index(), ip("198.18.1.6"), C1)), mine.toString());
        assertTrue(mine.contains(Neighbor.permanent(vx.index(), ip("198.18.1.5"), C2)), mine.toString());
        assertTrue(h.neighList(vx.index(), Family.INET6).contains(Neighbor.permanent(vx.index(), ip("2001:db8::5"), C1)));
        assertTrue(h.neighList(0, Family.ALL).size() >= 3);

        h.neighDel(Neighbor.permanent(vx.index(), ip("198.18.1.5"), C2));
        assertFalse(IpRoute2.neigh(t.name(), "jo-vx0").stream().anyMatch(r -> r.get("dst").equals("198.18.1.5")));
        assertThrows(NotFoundException.class, () -> h.neighDel(Neighbor.permanent(vx.index(), ip("198.18.1.5"), C2)));
    }
}
