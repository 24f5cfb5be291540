package io.javaoverlay.netlink.it;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.BridgePort;
import io.javaoverlay.netlink.BridgePortSettings;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.NotSupportedException;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.Vxlan;
import io.javaoverlay.netlink.testing.FreshNetnsExtension;
import io.javaoverlay.netlink.testing.IpRoute2;
import io.javaoverlay.netlink.testing.TestNetns;
import io.javaoverlay.types.IpAddress;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bridge port switches, cross-checked with {@code bridge -j -d link show} and {@code bridge link set}. */
@Tag("privileged")
@ExtendWith(FreshNetnsExtension.class)
class BridgePortIT {
    /** The switches a VXLAN port wants when a control plane, not flooding, finds MACs. */
    private static final BridgePortSettings EVPN_LIKE = BridgePortSettings.builder().learning(false).unicastFlood(false)
            .mcastFlood(true).bcastFlood(true).neighSuppress(true).build();

    private record Plumbing(Link bridge, Link port, Link vxlan) {}

    private static Plumbing plumb(NetlinkHandle h) throws Exception {
        Link br = h.linkAdd(new Bridge(LinkAttrs.named("jo-br0").withUp(true)));
        Link port = h.linkAdd(Veth.pair(LinkAttrs.named("jo-p0").withMaster(br.index()).withUp(true), "jo-p0peer"));
        h.linkSetUp(h.linkByName("jo-p0peer").index()); // carrier, so the port forwards
        Link vx = h.linkAdd(Vxlan.builder(LinkAttrs.named("jo-vx0").withMaster(br.index()), 4242)
                .local(IpAddress.parse("198.18.0.1")).learning(false).build());
        return new Plumbing(br, port, vx);
    }

    private static Map<String, Object> row(String ifname, String state, boolean learning, boolean flood, boolean mcast,
                                           boolean bcast, boolean neighSuppress) {
        Map<String, Object> m = new TreeMap<>(Map.of("ifname", ifname, "master", "jo-br0", "state", state,
                "learning", learning, "flood", flood, "mcast_flood", mcast, "bcast_flood", bcast));
        m.put("neigh_suppress", neighSuppress);
        return m;
    }

    @Test
    void settingsSetHereShowInBridgeLinkShow(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Plumbing p = plumb(h);
        h.bridgePortSet(p.vxlan().index(), EVPN_LIKE);
        assertEquals(List.of(row("jo-vx0", "disabled", false, false, true, true, true)),
                IpRoute2.bridgeLinks(t.name(), "jo-vx0"));
        // the other port kept the kernel's defaults
        assertEquals(List.of(row("jo-p0", "forwarding", true, true, true, true, false)),
                IpRoute2.bridgeLinks(t.name(), "jo-p0"));

        // only what is set changes
        h.bridgePortSet(p.vxlan().index(), BridgePortSettings.builder().unicastFlood(true).mcastFlood(false).build());
        assertEquals(List.of(row("jo-vx0", "disabled", false, true, false, true, true)),
                IpRoute2.bridgeLinks(t.name(), "jo-vx0"));

        BridgePort back = h.bridgePortByIndex(p.vxlan().index());
        assertEquals(p.bridge().index(), back.masterIndex());
        assertTrue(back.settings().satisfies(BridgePortSettings.builder().learning(false).unicastFlood(true)
                .mcastFlood(false).neighSuppress(true).build()), back.toString());
    }

    @Test
    void settingsSetByBridgeCommandDecodeHere(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Plumbing p = plumb(h);
        t.bridge("link", "set", "dev", "jo-p0", "learning", "off", "flood", "off", "mcast_flood", "on", "bcast_flood",
                "on", "neigh_suppress", "on");
        t.bridge("link", "set", "dev", "jo-vx0", "bcast_flood", "off");
        BridgePort port = h.bridgePortByIndex(p.port().index());
        assertEquals(new BridgePort(p.port().index(), "jo-p0", p.bridge().index(), BridgePort.BR_STATE_FORWARDING,
                EVPN_LIKE), port);
        BridgePort vx = h.bridgePortByIndex(p.vxlan().index());
        assertEquals(BridgePortSettings.builder().learning(true).unicastFlood(true).mcastFlood(true).bcastFlood(false)
                .neighSuppress(false).build(), vx.settings());
        assertEquals(BridgePort.BR_STATE_DISABLED, vx.state(), "jo-vx0 is down");

        // the list holds exactly the ports bridge(8) lists, with the same switches
        List<BridgePort> ours = h.bridgePortList();
        List<Map<String, Object>> theirs = IpRoute2.bridgeLinks(t.name(), null);
        assertEquals(theirs.size(), ours.size(), ours + " vs " + theirs);
        for (BridgePort b : ours) {
            BridgePortSettings s = b.settings();
            assertTrue(theirs.contains(row(b.name(), b.isForwarding() ? "forwarding" : "disabled", s.learning().orElseThrow(),
                    s.unicastFlood().orElseThrow(), s.mcastFlood().orElseThrow(), s.bcastFlood().orElseThrow(),
                    s.neighSuppress().orElseThrow())), b + " vs " + theirs);
        }
    }

    @Test
    void aLinkThatIsNotAPortIsRefused(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Link loose = h.linkAdd(Vxlan.builder(LinkAttrs.named("jo-vx9"), 9).local(IpAddress.parse("198.18.0.1")).build());
        // no master: RTM_SETLINK AF_BRIDGE finds no ndo_bridge_setlink and answers EOPNOTSUPP, as bridge(8) shows
        assertThrows(NotSupportedException.class, () -> h.bridgePortSet(loose.index(), EVPN_LIKE));
        IpRoute2.Result r = IpRoute2.run("bridge", "-n", t.name(), "link", "set", "dev", "jo-vx9", "learning", "off");
        assertTrue(!r.ok() && r.stderr().contains("Operation not supported"), r.stderr());
        assertThrows(NotFoundException.class, () -> h.bridgePortByIndex(loose.index()));
        assertThrows(NotFoundException.class, () -> h.bridgePortSet(9999, EVPN_LIKE));
    }
}
