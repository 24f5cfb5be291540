package io.javaoverlay.netlink.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.AlreadyExistsException;
import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.GenericLink;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.Veth;
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

/** Links: create with this module and inspect with iproute2, and the other way round. */
@Tag("privileged")
@ExtendWith(FreshNetnsExtension.class)
class LinkIT {

    private static Vxlan vxlanSpec(String name, int vni) {
        return Vxlan.builder(LinkAttrs.named(name).withMtu(1450), vni).local(IpAddress.parse("198.18.0.1"))
                .learning(false).build();
    }

    @Test
    void bridgeAndVxlanCreatedHereLookRightToIproute2(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Link br = h.linkAdd(new Bridge(LinkAttrs.named("jo-br0").withUp(true)));
        Vxlan spec = Vxlan.builder(LinkAttrs.named("jo-vx0").withMtu(1450).withMaster(br.index()), 4097)
                .local(IpAddress.parse("198.18.0.1")).learning(false).proxy(true).l2miss(true).l3miss(true).ttl(64)
                .build();
        Vxlan vx = assertInstanceOf(Vxlan.class, h.linkAdd(spec));
        assertEquals(4097, vx.vni());
        assertEquals(br.index(), vx.attrs().masterIndex());

        Map<String, Object> brIp = IpRoute2.link(t.name(), "jo-br0");
        assertEquals("bridge", brIp.get("kind"));
        assertEquals(true, brIp.get("up"));
        Map<String, Object> vxIp = IpRoute2.link(t.name(), "jo-vx0");
        assertEquals("vxlan", vxIp.get("kind"));
        assertEquals(4097, vxIp.get("id"));
        assertEquals("198.18.0.1", vxIp.get("local"));
        assertEquals(4789, vxIp.get("port"));
        assertEquals(false, vxIp.get("learning"));
        assertEquals(true, vxIp.get("proxy"));
        assertEquals(true, vxIp.get("l2miss"));
        assertEquals(true, vxIp.get("l3miss"));
        assertEquals(64, vxIp.get("ttl"));
        assertEquals("jo-br0", vxIp.get("master"));
        assertEquals(1450, vxIp.get("mtu"));
        assertEquals(vx.attrs().hardwareAddr().orElseThrow().toString(), vxIp.get("address"));
    }

    @Test
    void linksCreatedByIproute2DecodeHere(TestNetns t) throws Exception {
        t.ip("link", "add", "jo-br1", "type", "bridge");
        t.ip("link", "add", "jo-vx1", "type", "vxlan", "id", "16777215", "local", "198.18.0.9", "dstport", "4790",
                "ttl", "9", "proxy", "l2miss");
        t.ip("link", "set", "jo-vx1", "master", "jo-br1", "mtu", "1400");
        t.ip("link", "add", "jo-ve0", "type", "veth", "peer", "name", "jo-ve1");
        t.ip("link", "add", "jo-ifb0", "type", "ifb");
        t.ip("link", "set", "jo-ifb0", "alias", "someone else's");
        NetlinkHandle h = t.handle();
        Link br = h.linkByName("jo-br1");
        assertInstanceOf(Bridge.class, br);
        Vxlan vx = assertInstanceOf(Vxlan.class, h.linkByName("jo-vx1"));
        assertEquals(16777215, vx.vni());
        assertEquals(Optional.of(IpAddress.parse("198.18.0.9")), vx.local());
        assertEquals(4790, vx.port());
        assertTrue(vx.learning(), "iproute2 default is learning on");
        assertTrue(vx.proxy());
        assertTrue(vx.l2miss());
        assertEquals(false, vx.l3miss());
        assertEquals(9, vx.ttl());
        assertEquals(br.index(), vx.attrs().masterIndex());
        assertEquals(1400, vx.attrs().mtu());
        Veth v0 = assertInstanceOf(Veth.class, h.linkByName("jo-ve0"));
        assertEquals(h.linkByName("jo-ve1").index(), v0.peerIndex());
        GenericLink ifb = assertInstanceOf(GenericLink.class, h.linkByName("jo-ifb0"));
        assertEquals("ifb", ifb.kind());
        assertEquals(Optional.of("someone else's"), ifb.attrs().alias());

        List<Link> all = h.linkList();
        assertEquals(IpRoute2.json("ip", "-n", t.name(), "-j", "link", "show").size(), all.size());
        assertTrue(all.stream().anyMatch(l -> l.name().equals("lo")));
        assertEquals(vx, h.linkByIndex(vx.index()));
    }

    @Test
    void settersMatchIproute2(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Link br = h.linkAdd(new Bridge(LinkAttrs.named("jo-br2")));
        Link vx = h.linkAdd(vxlanSpec("jo-vx2", 42));
        h.linkSetMaster(vx.index(), br.index());
        assertEquals("jo-br2", IpRoute2.link(t.name(), "jo-vx2").get("master"));
        h.linkSetNoMaster(vx.index());
        assertEquals("", IpRoute2.link(t.name(), "jo-vx2").get("master"));
        h.linkSetMtu(vx.index(), 1350);
        assertEquals(1350, IpRoute2.link(t.name(), "jo-vx2").get("mtu"));
        MacAddress mac = MacAddress.parse("02:42:c6:12:00:42");
        h.linkSetHardwareAddr(vx.index(), mac);
        assertEquals(mac.toString(), IpRoute2.link(t.name(), "jo-vx2").get("address"));
        h.linkSetAlias(vx.index(), "javaoverlay:net-1");
        assertEquals("javaoverlay:net-1", IpRoute2.link(t.name(), "jo-vx2").get("alias"));
        h.linkSetUp(vx.index());
        assertEquals(true, IpRoute2.link(t.name(), "jo-vx2").get("up"));
        assertTrue(h.linkByIndex(vx.index()).attrs().up());
        h.linkSetDown(vx.index());
        assertEquals(false, IpRoute2.link(t.name(), "jo-vx2").get("up"));
        h.linkSetName(vx.index(), "jo-vx2b");
        assertEquals("vxlan", IpRoute2.link(t.name(), "jo-vx2b").get("kind"));
        assertEquals(vx.index(), h.linkByName("jo-vx2b").index());
    }

    @Test
    void errorsAreTypedAndNameTheObject(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        h.linkAdd(new Bridge(LinkAttrs.named("jo-br3")));
        AlreadyExistsException dup = assertThrows(AlreadyExistsException.class,
                () -> h.linkAdd(new Bridge(LinkAttrs.named("jo-br3"))));
        assertEquals("RTM_NEWLINK jo-br3", dup.operation());
        NotFoundException gone = assertThrows(NotFoundException.class, () -> h.linkDel("jo-none"));
        assertTrue(gone.getMessage().contains("jo-none"), gone.getMessage());
        assertTrue(h.findLinkByName("jo-none").isEmpty());
        // The kernel's extended ACK text comes through: an underlay ifindex that does not exist.
        NotFoundException noDev = assertThrows(NotFoundException.class, () -> h.linkAdd(Vxlan.builder(LinkAttrs.named("jo-vx3"), 5)
                .learning(false).underlayIndex(9999).build()));
        assertTrue(noDev.extAck().isPresent(), "extended ACK expected: " + noDev.getMessage());
        assertTrue(h.findLinkByName("jo-vx3").isEmpty(), "failed create left no state");
    }

    @Test
    void deleteByNameAndIndex(TestNetns t) throws Exception {
        NetlinkHandle h = t.handle();
        Link a = h.linkAdd(new Bridge(LinkAttrs.named("jo-br4")));
        h.linkAdd(new Bridge(LinkAttrs.named("jo-br5")));
        h.linkDel(a.index());
        h.linkDel("jo-br5");
        assertEquals(Map.of(), IpRoute2.link(t.name(), "jo-br4"));
        assertEquals(Map.of(), IpRoute2.link(t.name(), "jo-br5"));
    }

    @Test
    void vethPeerCreatedDirectlyInAnotherNamespaceAndLinkMoves(TestNetns t) throws Exception {
        TestNetns other = t.another("b");
        NetlinkHandle h = t.handle();
        Veth spec = new Veth(LinkAttrs.named("jo-ve2"), "jo-ve3", Optional.of(other.ns()), 0);
        Link here = h.linkAdd(spec);
        assertInstanceOf(Veth.class, here);
        assertTrue(h.findLinkByName("jo-ve3").isEmpty(), "peer must not be in the first namespace");
        assertEquals("veth", IpRoute2.link(other.name(), "jo-ve3").get("kind"));
        assertInstanceOf(Veth.class, other.handle().linkByName("jo-ve3"));

        // Bridges are netns-local ("The interface netns is immutable"); move veth ends instead.
        Link mover = h.linkAdd(Veth.pair(LinkAttrs.named("jo-ve4"), "jo-ve5"));
        h.linkSetNs(mover.index(), other.ns());
        assertTrue(h.findLinkByName("jo-ve4").isEmpty());
        assertEquals("veth", IpRoute2.link(other.name(), "jo-ve4").get("kind"));

        // By pid: a process that ip netns exec placed in the other namespace.
        Process sleeper = new ProcessBuilder("ip", "netns", "exec", other.name(), "sleep", "30").start();
        try {
            waitUntilInNamespace(sleeper.pid(), other.ns().inode());
            h.linkSetNsPid(h.linkByName("jo-ve5").index(), (int) sleeper.pid());
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
        assertTrue(h.findLinkByName("jo-ve5").isEmpty());
        assertEquals("veth", IpRoute2.link(other.name(), "jo-ve5").get("kind"));
    }

    private static void waitUntilInNamespace(long pid, long inode) throws Exception {
        java.nio.file.Path p = java.nio.file.Path.of("/proc/" + pid + "/ns/net");
        for (int i = 0; i < 200; i++) {
            if (((Number) java.nio.file.Files.getAttribute(p, "unix:ino")).longValue() == inode) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("process " + pid + " never entered the namespace");
    }
}
