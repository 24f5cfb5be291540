package io.javaoverlay.vxlan.cluster;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.vxlan.VxlanConfig;
import io.javaoverlay.vxlan.VxlanNetworkService;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.testing.FakeNetlinkHandle;
import io.javaoverlay.vxlan.testing.TwoHosts;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** With livePeersOnly, peers of hosts without a {@code hosts/} registration are not programmed. */
@SuppressWarnings("removal")
class LivePeersTest {

    static VxlanConfig config(String host, String vtep, int underlayIndex, boolean livePeersOnly) {
        VxlanConfig c = TwoHosts.config(host, vtep, underlayIndex);
        return VxlanConfig.builder(host, c.underlay()).resyncInterval(c.resyncInterval()).watchWait(c.watchWait())
                .livePeersOnly(livePeersOnly).build();
    }

    @Test
    void aDeadHostsPeersAreLeftOutAndComeBackWhenItRegisters() throws Exception {
        try (KvStore kv = new InMemoryKvStore()) {
            FakeNetlinkHandle nlA = new FakeNetlinkHandle();
            FakeNetlinkHandle nlB = new FakeNetlinkHandle();
            VxlanNetworkService a = new VxlanNetworkService(nlA, kv,
                    config("host-a", "198.18.0.1", nlA.addDevice("eth0", 1400, IpPrefix.parse("198.18.0.1/24")), true));
            VxlanNetworkService b = new VxlanNetworkService(nlB, kv,
                    config("host-b", "198.18.0.2", nlB.addDevice("eth0", 1400, IpPrefix.parse("198.18.0.2/24")), false));
            try {
                a.createNetwork(TwoHosts.net("na", "198.18.8.0/24", "198.18.8.1/24", Map.of()));
                a.createEndpoint("na", "na", TwoHosts.ep("ea", "198.18.8.5/24"));
                a.join("na", "ea", "k");
                b.createEndpoint("na", "nb", TwoHosts.ep("eb", "198.18.8.6/24"));
                a.reconcilers().of("na").reconcileNow(Duration.ofSeconds(10));
                int vx = nlA.findLinkByName("jo-vx-1").orElseThrow().index();
                assertEquals(0L, nlA.fdbList(vx).stream().filter(FdbEntry::isSelf).count(), "host-b is not registered: no peer");
                kv.put(NetworkKeys.host("host-b"), NetworkKeys.encode(new HostRecord("host-b", "198.18.0.2", "b", 1)));
                a.reconcilers().of("na").reconcileNow(Duration.ofSeconds(10));
                assertEquals(1L, nlA.fdbList(vx).stream().filter(FdbEntry::isSelf).count(), "host-b registered: its endpoint is a peer");
                kv.delete(NetworkKeys.host("host-b")); // its lease expired
                a.reconcilers().of("na").reconcileNow(Duration.ofSeconds(10));
                assertEquals(0L, nlA.fdbList(vx).stream().filter(FdbEntry::isSelf).count(), "dead host's peer withdrawn");
            } finally {
                a.close();
                b.close();
            }
        }
    }
}
