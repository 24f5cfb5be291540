package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.LinkEvent;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.vxlan.testing.FakeNetlinkHandle;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The index of owned links: fed by events, merged with dumps without losing newer updates. */
class LinkIndexTest {
    final FakeNetlinkHandle nl = new FakeNetlinkHandle();

    static Link port(int idx, String nid, String eid) {
        return new Veth(new LinkAttrs(idx, "jo-h-" + eid, 1350, Optional.empty(), 0, true, true,
                Optional.of("javaoverlay:" + nid + "/" + eid)), "", Optional.empty(), 0);
    }

    List<String> names(List<Link> links) {
        return links.stream().map(Link::name).sorted().toList();
    }

    @Test
    void withoutASubscriptionEveryReadDumps() throws Exception {
        LinkIndex index = new LinkIndex(nl);
        nl.addDevice("eth0", 1500, IpPrefix.parse("198.18.0.1/24"));
        nl.linkAdd(new Bridge(LinkAttrs.named("jo-br-1").withAlias("javaoverlay:n1")));
        assertEquals(List.of("jo-br-1"), names(index.ofNetwork("n1")));
        nl.linkAdd(new Bridge(LinkAttrs.named("jo-br-2").withAlias("javaoverlay:n2")));
        assertEquals(Set.of("n1", "n2"), index.networks());
        assertEquals(2, nl.linkDumps());
    }

    @Test
    void aLiveIndexFollowsEventsAndDumpsOnlyWhenToldTo() throws Exception {
        LinkIndex index = new LinkIndex(nl);
        nl.subscribeLinks(index::onEvent);
        index.setLive(true);
        index.refresh();
        int dumps = nl.linkDumps();
        Link br = nl.linkAdd(new Bridge(LinkAttrs.named("jo-br-1").withAlias("javaoverlay:n1")));
        nl.linkAdd(new Bridge(LinkAttrs.named("br-foreign")));
        assertEquals(List.of("jo-br-1"), names(index.ofNetwork("n1")));
        assertTrue(index.hasState("n1"));
        nl.linkDel(br.index());
        assertEquals(List.of(), index.ofNetwork("n1"));
        assertFalse(index.hasState("n1"));
        assertEquals(dumps, nl.linkDumps(), "events, not dumps");
        index.onEvent(new LinkEvent.Overflow());
        index.ofNetwork("n1");
        assertEquals(dumps + 1, nl.linkDumps(), "events were lost: the next read dumps");
    }

    /** A dump is a snapshot from its start: a port written through (or an event) after that start stays. */
    @Test
    void aDumpNeverUndoesANewerUpdate() throws Exception {
        LinkIndex index = new LinkIndex(nl);
        index.setLive(true);
        Link old = nl.linkAdd(Veth.pair(LinkAttrs.named("jo-h-old").withAlias("javaoverlay:n1/old"), "jo-c-old"));
        index.refresh();
        assertEquals(List.of("jo-h-old"), names(index.ofNetwork("n1")));
        // While the dump travels, Join creates a port (written through) and the old one goes (its event).
        nl.duringDump(() -> {
            index.put(port(51, "n1", "new"));
            index.remove(old.index());
        });
        index.refresh();
        assertEquals(List.of("jo-h-new"), names(index.ofNetwork("n1")));
        nl.duringDump(() -> { });
        index.refresh();
        assertEquals(List.of("jo-h-old"), names(index.ofNetwork("n1")), "a later dump is the truth again");
    }
}
