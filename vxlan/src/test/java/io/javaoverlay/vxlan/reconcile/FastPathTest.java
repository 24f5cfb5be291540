package io.javaoverlay.vxlan.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.IngressFilter;
import io.javaoverlay.netlink.IngressTarget;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.testing.FakeNetlinkHandle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The fast path's filters mirror the bridge: the ports' block redirects the remote endpoints' MACs to
 * the vxlan device, the vxlan device redirects the local containers' MACs to their ports, and any
 * other frame takes the bridge. They follow the ports and the peers, survive a recreated vxlan device
 * and a VNI change, and go away entirely when the fast path does not apply.
 */
class FastPathTest {
    static final int VNI = 7;
    static final IngressTarget BLOCK = IngressTarget.block(FastPath.block(VNI));
    final FakeNetlinkHandle k = new FakeNetlinkHandle();
    int vx = k.addDevice("jo-vx-7", 1350, IpPrefix.parse("198.18.99.1/32"));

    Link link(int index) {
        try {
            return k.linkByIndex(index);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static MacAddress mac(int n) {
        return MacAddress.parse(String.format("02:42:c6:13:00:%02x", n));
    }

    FastPath.Port port(int n) {
        return new FastPath.Port(k.addDevice("jo-h-" + n, 1350, IpPrefix.parse("198.18.98." + n + "/32")), mac(n));
    }

    /** The rules at {@code target}: "MAC -> ifindex"; a foreign filter fails the test. */
    Set<String> rules(IngressTarget target) {
        Set<String> out = new HashSet<>();
        for (Optional<IngressFilter> f : k.filtersAt(target).values()) {
            IngressFilter x = f.orElseThrow(() -> new AssertionError("a foreign filter at " + target));
            out.add(x.dstMac().orElseThrow() + " -> " + x.redirectTo().getAsInt());
        }
        return out;
    }

    @Test
    void remoteMacsGoToTheVxlanDeviceAndLocalOnesToTheirPorts() throws Exception {
        FastPath fp = new FastPath(k, true);
        FastPath.Port a = port(1);
        FastPath.Port b = port(2);
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a, b), Set.of(mac(20), mac(21)), true);
        assertEquals(Set.of(mac(20) + " -> " + vx, mac(21) + " -> " + vx), rules(BLOCK));
        assertEquals(Set.of(mac(1) + " -> " + a.ifindex(), mac(2) + " -> " + b.ifindex()), rules(IngressTarget.device(vx)));
        assertEquals(Map.of(a.ifindex(), FastPath.block(VNI), b.ifindex(), FastPath.block(VNI), vx, 0), k.clsacts());

        k.clearMutations();
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a, b), Set.of(mac(20), mac(21)), true);
        assertEquals(List.of(), k.mutations(), "a converged network changes nothing");

        // A peer goes, another comes; b goes.
        k.linkDel(b.ifindex());
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a), Set.of(mac(21), mac(22)), true);
        assertEquals(Set.of(mac(21) + " -> " + vx, mac(22) + " -> " + vx), rules(BLOCK));
        assertEquals(Set.of(mac(1) + " -> " + a.ifindex()), rules(IngressTarget.device(vx)));
    }

    @Test
    void aRecreatedVxlanDeviceAndANewVniAreFollowed() throws Exception {
        FastPath fp = new FastPath(k, true);
        FastPath.Port a = port(1);
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a), Set.of(mac(20)), true);
        // The vxlan device is recreated (e.g. the VTEP changed): the redirects to the old one read as foreign.
        k.linkDel(vx);
        int vx2 = k.addDevice("jo-vx-7", 1350, IpPrefix.parse("198.18.99.2/32"));
        fp.sync("n1", VNI, Optional.of(link(vx2)), List.of(a), Set.of(mac(20)), true);
        assertEquals(Set.of(mac(20) + " -> " + vx2), rules(BLOCK));
        assertEquals(Set.of(mac(1) + " -> " + a.ifindex()), rules(IngressTarget.device(vx2)));

        // The network gets VNI 8: its port moves to the new block.
        int vx3 = k.addDevice("jo-vx-8", 1350, IpPrefix.parse("198.18.99.3/32"));
        fp.sync("n1", 8, Optional.of(link(vx3)), List.of(a), Set.of(mac(20)), true);
        assertEquals(FastPath.block(8), k.clsacts().get(a.ifindex()));
        assertEquals(Set.of(mac(20) + " -> " + vx3), rules(IngressTarget.block(FastPath.block(8))));
        assertEquals(Map.of(), k.filtersAt(BLOCK), "the old block went with its last port");
    }

    @Test
    void aJoinTakesARedirectOfItsOwnMacOutOfTheBlock() throws Exception {
        FastPath fp = new FastPath(k, true);
        FastPath.Port a = port(1);
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a), Set.of(mac(20), mac(21)), true);
        // A remote endpoint with MAC 20 was removed and its address (and MAC) is taken here.
        fp.addPort("n1", VNI, mac(20));
        assertEquals(Set.of(mac(21) + " -> " + vx), rules(BLOCK));
        k.clearMutations();
        fp.addPort("n1", VNI, mac(30));
        assertEquals(List.of(), k.mutations(), "a MAC with no redirect changes nothing");
        FakeNetlinkHandle none = new FakeNetlinkHandle();
        new FastPath(none, true).addPort("n1", VNI, mac(20));
        assertEquals(List.of(), none.mutations(), "a network without a block is left to the pass");
    }

    @Test
    void aPassThatWantsWhatTheLastOneMadeMakesNoKernelCallAndAFullPassMendsDrift() throws Exception {
        FastPath fp = new FastPath(k, true);
        FastPath.Port a = port(1);
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a), Set.of(mac(20)), false);
        assertEquals(Set.of(mac(20) + " -> " + vx), rules(BLOCK));
        int dumps = k.filterDumps();
        k.clearMutations();
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a), Set.of(mac(20)), false);
        assertEquals(dumps, k.filterDumps(), "no filter dump");
        assertEquals(List.of(), k.mutations());
        // Someone else deletes the redirect: an event-driven pass does not see it, the full one mends it.
        k.ingressFilterDel(BLOCK, k.filtersAt(BLOCK).keySet().iterator().next());
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a), Set.of(mac(20)), false);
        assertEquals(Set.of(), rules(BLOCK));
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a), Set.of(mac(20)), true);
        assertEquals(Set.of(mac(20) + " -> " + vx), rules(BLOCK));
        // The only port goes and another comes before the next pass: the block is a new, empty one.
        k.linkDel(a.ifindex());
        FastPath.Port b = port(2);
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(b), Set.of(mac(20)), false);
        assertEquals(Set.of(mac(20) + " -> " + vx), rules(BLOCK));
        assertEquals(Set.of(mac(2) + " -> " + b.ifindex()), rules(IngressTarget.device(vx)));
        // A new peer changes what is wanted: applied without a full pass.
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(b), Set.of(mac(20), mac(21)), false);
        assertEquals(Set.of(mac(20) + " -> " + vx, mac(21) + " -> " + vx), rules(BLOCK));
    }

    @Test
    void aJoinReadsTheBlockOnlyWhenItsMacMayBeRedirected() throws Exception {
        FastPath fp = new FastPath(k, true);
        FastPath.Port a = port(1);
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a), Set.of(mac(20)), true);
        int dumps = k.filterDumps();
        fp.addPort("n1", VNI, mac(30));
        assertEquals(dumps, k.filterDumps(), "the last pass left no redirect of this MAC: no kernel call");
        // Another process's (or an earlier run's) filters are not known here: the block is read.
        FastPath fresh = new FastPath(k, true);
        fresh.addPort("n1", VNI, mac(20));
        assertEquals(Set.of(), rules(BLOCK));
        assertTrue(k.filterDumps() > dumps);
        // Off for a network (too many peers): its filters were removed, nothing to read either.
        Set<MacAddress> many = new HashSet<>();
        for (int i = 0; i <= FastPath.MAX_FILTERS; i++) {
            many.add(MacAddress.parse(String.format("02:42:c6:14:00:%02x", i)));
        }
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a), many, true);
        dumps = k.filterDumps();
        fp.addPort("n1", VNI, mac(31));
        assertEquals(dumps, k.filterDumps());
    }

    @Test
    void tooManyFiltersOrTheFlagOffRemovesEverything() throws Exception {
        FastPath fp = new FastPath(k, true);
        List<FastPath.Port> ports = List.of(port(1), port(2));
        fp.sync("n1", VNI, Optional.of(link(vx)), ports, Set.of(mac(20)), true);
        assertFalse(k.clsacts().isEmpty());
        Set<MacAddress> many = new HashSet<>();
        for (int i = 0; i <= FastPath.MAX_FILTERS; i++) {
            many.add(MacAddress.parse(String.format("02:42:c6:14:00:%02x", i)));
        }
        fp.sync("n1", VNI, Optional.of(link(vx)), ports, many, true);
        assertEquals(Map.of(), k.clsacts(), "more than " + FastPath.MAX_FILTERS + " peers: the bridge carries everything");
        k.clearMutations();
        fp.sync("n1", VNI, Optional.of(link(vx)), ports, many, true);
        assertEquals(List.of(), k.mutations(), "and it stays that way without a kernel call");

        List<FastPath.Port> lots = new ArrayList<>();
        for (int i = 0; i <= FastPath.MAX_FILTERS; i++) {
            lots.add(new FastPath.Port(k.addDevice("jo-h-x" + i, 1350, IpPrefix.parse("198.18.97.1/32")), null));
        }
        fp.sync("n1", VNI, Optional.of(link(vx)), lots, Set.of(mac(20)), true);
        assertEquals(Map.of(), k.clsacts(), "more than " + FastPath.MAX_FILTERS + " ports: the same");

        new FastPath(k, true).sync("n1", VNI, Optional.of(link(vx)), ports, Set.of(mac(20)), true);
        assertFalse(k.clsacts().isEmpty());
        FastPath off = new FastPath(k, false); // a restart with --fast-path=false
        off.sync("n1", VNI, Optional.of(link(vx)), ports, Set.of(mac(20)), true);
        assertEquals(Map.of(), k.clsacts());
        assertEquals(Map.of(), k.filtersAt(BLOCK));
        off.sync("n1", VNI, Optional.of(link(vx)), ports, Set.of(mac(20)), true); // nothing left: no failure either
    }

    @Test
    void aKernelWithoutTcTurnsTheFastPathOffAndTheBridgeCarriesOn() throws Exception {
        k.withoutTc();
        FastPath fp = new FastPath(k, true);
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(port(1)), Set.of(mac(20)), true);
        assertFalse(fp.active());
        assertEquals(Map.of(), k.clsacts());
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(port(2)), Set.of(mac(20)), true);
        assertFalse(fp.active());
    }

    @Test
    void aPortWhoseQdiscWasRemovedFromOutsideIsBoundAgain() throws Exception {
        FastPath fp = new FastPath(k, true);
        FastPath.Port a = port(1);
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a), Set.of(mac(20)), true);
        k.clsactDel(a.ifindex()); // tc qdisc del dev jo-h-1 clsact
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a), Set.of(mac(20)), true); // a failure: filters removed, logged
        fp.sync("n1", VNI, Optional.of(link(vx)), List.of(a), Set.of(mac(20)), true);
        assertEquals(FastPath.block(VNI), k.clsacts().get(a.ifindex()));
        assertTrue(rules(BLOCK).contains(mac(20) + " -> " + vx));
    }
}
