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
 * The fast path's filters follow the local ports, and the one rule that keeps frames right holds in
 * every order of calls: a frame to a local container is never redirected into the tunnel (every local
 * MAC passes before the catch-all redirect exists, and a Join adds its MAC before its port).
 */
class FastPathTest {
    static final int VNI = 7;
    static final IngressTarget BLOCK = IngressTarget.block(FastPath.block(VNI));
    final FakeNetlinkHandle k = new FakeNetlinkHandle();
    final int vx = k.addDevice("jo-vx-7", 1350, IpPrefix.parse("198.18.99.1/32"));
    final Link vxlan = link(vx);

    Link link(int index) {
        try {
            return k.linkByIndex(index);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static MacAddress mac(int n) {
        return MacAddress.parse("02:42:c6:13:00:0" + n);
    }

    FastPath.Port port(int n) {
        return new FastPath.Port(k.addDevice("jo-h-" + n, 1350, IpPrefix.parse("198.18.98." + n + "/32")), mac(n));
    }

    /** The block's rules: MAC → "pass", and "unicast → vxlan". */
    Set<String> blockRules() {
        Set<String> out = new HashSet<>();
        for (Optional<IngressFilter> f : k.filtersAt(BLOCK).values()) {
            IngressFilter x = f.orElseThrow(() -> new AssertionError("a foreign filter in the block"));
            out.add(x.dstMac().map(MacAddress::toString).orElse("unicast") + (x.redirectTo().isPresent()
                    ? " -> " + x.redirectTo().getAsInt() : " pass"));
        }
        return out;
    }

    Set<String> vxlanRules() {
        Set<String> out = new HashSet<>();
        for (Optional<IngressFilter> f : k.filtersAt(IngressTarget.device(vx)).values()) {
            IngressFilter x = f.orElseThrow();
            out.add(x.dstMac().orElseThrow() + " -> " + x.redirectTo().getAsInt());
        }
        return out;
    }

    @Test
    void everyLocalMacPassesAndEveryOtherUnicastFrameGoesToTheVxlanDevice() throws Exception {
        FastPath fp = new FastPath(k, true);
        FastPath.Port a = port(1);
        FastPath.Port b = port(2);
        fp.sync("n1", VNI, Optional.of(vxlan), List.of(a, b));
        assertEquals(Set.of(mac(1) + " pass", mac(2) + " pass", "unicast -> " + vx), blockRules());
        assertEquals(Set.of(mac(1) + " -> " + a.ifindex(), mac(2) + " -> " + b.ifindex()), vxlanRules());
        assertEquals(Map.of(a.ifindex(), FastPath.block(VNI), b.ifindex(), FastPath.block(VNI), vx, 0), k.clsacts());
        assertEquals(Optional.of(IngressFilter.redirectUnicast(FastPath.CATCH_ALL, vx)), k.filtersAt(BLOCK).get(FastPath.CATCH_ALL));
        int passes = k.mutations().indexOf(k.mutations().stream().filter(m -> m.contains("pass")).reduce((x, y) -> y).orElseThrow());
        int redirect = k.mutations().indexOf(k.mutations().stream().filter(m -> m.contains("dst unicast")).findFirst().orElseThrow());
        assertTrue(passes < redirect, "every pass before the redirect: " + k.mutations());

        k.clearMutations();
        fp.sync("n1", VNI, Optional.of(vxlan), List.of(a, b));
        assertEquals(List.of(), k.mutations().stream().filter(m -> !m.startsWith("clsactAdd")).toList(),
                "a converged network changes nothing");

        // b goes: its pass and its redirect go with it.
        k.linkDel(b.ifindex());
        fp.sync("n1", VNI, Optional.of(vxlan), List.of(a));
        assertEquals(Set.of(mac(1) + " pass", "unicast -> " + vx), blockRules());
        assertEquals(Set.of(mac(1) + " -> " + a.ifindex()), vxlanRules());
    }

    @Test
    void aPortWhoseMacIsUnknownTakesTheCatchAllAwayFirst() throws Exception {
        FastPath fp = new FastPath(k, true);
        FastPath.Port a = port(1);
        fp.sync("n1", VNI, Optional.of(vxlan), List.of(a));
        assertTrue(blockRules().contains("unicast -> " + vx));
        FastPath.Port stranger = new FastPath.Port(k.addDevice("jo-h-9", 1350, IpPrefix.parse("198.18.98.9/32")), null);
        k.clearMutations();
        fp.sync("n1", VNI, Optional.of(vxlan), List.of(a, stranger));
        assertEquals(Set.of(mac(1) + " pass"), blockRules(), "no redirect while a local MAC may be missing from the passes");
        assertTrue(k.mutations().stream().filter(m -> m.startsWith("ingress")).findFirst().orElseThrow()
                .equals("ingressFilterDel block " + Integer.toUnsignedString(FastPath.block(VNI)) + " prio " + FastPath.CATCH_ALL),
                "the redirect is the first filter to go: " + k.mutations());
    }

    @Test
    void aJoinPassesItsMacBeforeItsPortUsesTheBlockAndReplacesAStaleRedirect() throws Exception {
        FastPath fp = new FastPath(k, true);
        FastPath.Port a = port(1);
        FastPath.Port old = port(2);
        fp.sync("n1", VNI, Optional.of(vxlan), List.of(a, old));
        k.linkDel(old.ifindex()); // the container went, the pass has not run yet
        FastPath.Port again = new FastPath.Port(k.addDevice("jo-h-2b", 1350, IpPrefix.parse("198.18.98.22/32")), mac(2));
        FastPath.Port fresh = port(3);
        k.clearMutations();
        fp.addPort("n1", VNI, vx, fresh);
        fp.addPort("n1", VNI, vx, again);
        assertEquals(Set.of(mac(1) + " pass", mac(2) + " pass", mac(3) + " pass", "unicast -> " + vx), blockRules());
        assertEquals(Set.of(mac(1) + " -> " + a.ifindex(), mac(2) + " -> " + again.ifindex(), mac(3) + " -> " + fresh.ifindex()),
                vxlanRules(), "the redirect of the MAC's earlier port is replaced");
        List<String> m = k.mutations();
        assertTrue(m.indexOf(m.stream().filter(x -> x.contains(mac(3) + " pass")).findFirst().orElseThrow())
                < m.indexOf("clsactAdd " + fresh.ifindex() + " block " + Integer.toUnsignedString(FastPath.block(VNI))),
                "the MAC passes before the port uses the block: " + m);

        // A network without the fast path (no block) is left to the pass.
        FakeNetlinkHandle other = new FakeNetlinkHandle();
        new FastPath(other, true).addPort("n2", 8, vx, new FastPath.Port(5, mac(4)));
        assertEquals(List.of(), other.mutations());
    }

    @Test
    void tooManyPortsOrTheFlagOffRemovesEverything() throws Exception {
        FastPath fp = new FastPath(k, true);
        List<FastPath.Port> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ports.add(port(i));
        }
        fp.sync("n1", VNI, Optional.of(vxlan), ports);
        assertFalse(k.clsacts().isEmpty());
        List<FastPath.Port> many = new ArrayList<>(ports);
        while (many.size() <= FastPath.MAX_PORTS) {
            many.add(new FastPath.Port(k.addDevice("jo-h-x" + many.size(), 1350, IpPrefix.parse("198.18.97.1/32")),
                    MacAddress.parse(String.format("02:42:c6:14:00:%02x", many.size()))));
        }
        fp.sync("n1", VNI, Optional.of(vxlan), many);
        assertEquals(Map.of(), k.clsacts(), "more than " + FastPath.MAX_PORTS + " ports: the bridge carries everything");

        new FastPath(k, true).sync("n1", VNI, Optional.of(vxlan), ports);
        assertFalse(k.clsacts().isEmpty());
        new FastPath(k, false).sync("n1", VNI, Optional.of(vxlan), ports); // a restart with --fast-path=false
        assertEquals(Map.of(), k.clsacts());
        assertEquals(Map.of(), k.filtersAt(BLOCK));
    }

    @Test
    void aKernelWithoutTcTurnsTheFastPathOffAndTheBridgeCarriesOn() throws Exception {
        k.withoutTc();
        FastPath fp = new FastPath(k, true);
        fp.sync("n1", VNI, Optional.of(vxlan), List.of(port(1)));
        assertFalse(fp.active());
        assertEquals(Map.of(), k.clsacts());
        fp.sync("n1", VNI, Optional.of(vxlan), List.of(port(2)));
        assertFalse(fp.active());
    }
}
