package io.javaoverlay.vxlan.testing;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.vxlan.NetworkService.EndpointGrant;
import io.javaoverlay.vxlan.NetworkService.EndpointSpec;
import io.javaoverlay.vxlan.NetworkService.JoinResult;
import io.javaoverlay.vxlan.NetworkService.NetworkSpec;
import io.javaoverlay.vxlan.Underlay;
import io.javaoverlay.vxlan.VxlanConfig;
import io.javaoverlay.vxlan.VxlanNetworkService;
import io.javaoverlay.vxlan.state.NetworkRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.javaoverlay.vxlan.testing.ItSupport.openHandle;
import static io.javaoverlay.vxlan.testing.ItSupport.sh;

/**
 * Two simulated hosts without Docker: namespaces {@code hostA}/{@code hostB} joined by an
 * underlay veth {@code u0} (198.18.0.1/24 and .2/24, MTU 1400), each running its own
 * {@link VxlanNetworkService} on one shared in-memory store. {@link #container} plays Docker.
 * Closing it stops the services and deletes every namespace it made.
 */
public final class TwoHostTopology implements AutoCloseable {
    public final String hostA;
    public final String hostB;
    public final VxlanNetworkService a;
    public final VxlanNetworkService b;
    /** Host A's store client (host B's sees the same data). */
    public final KvStore store;
    private final ItSupport.Namespaces namespaces = new ItSupport.Namespaces();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** Both hosts on one shared in-memory store. */
    public TwoHostTopology(Duration watchWait) throws Exception {
        this(watchWait, new InMemoryKvStore(), null);
    }

    /**
     * Host A on {@code storeA}, host B on {@code storeB} (two clients of one backend), or on
     * {@code storeA} too when {@code storeB} is null.
     */
    public TwoHostTopology(Duration watchWait, KvStore storeA, KvStore storeB) throws Exception {
        this.store = storeA;
        closeables.add(storeA);
        if (storeB != null) {
            closeables.add(storeB);
        }
        try {
            hostA = namespaces.create("ha");
            hostB = namespaces.create("hb");
            sh("ip", "-n", hostA, "link", "add", "u0", "mtu", "1400", "type", "veth", "peer", "name", "u0", "netns", hostB);
            sh("ip", "-n", hostB, "link", "set", "u0", "mtu", "1400");
            sh("ip", "-n", hostA, "addr", "add", "198.18.0.1/24", "dev", "u0");
            sh("ip", "-n", hostB, "addr", "add", "198.18.0.2/24", "dev", "u0");
            sh("ip", "-n", hostA, "link", "set", "u0", "up");
            sh("ip", "-n", hostB, "link", "set", "u0", "up");
            a = service(hostA, "host-a", "u0", storeA, watchWait);
            b = service(hostB, "host-b", "198.18.0.2", storeB == null ? storeA : storeB, watchWait);
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private VxlanNetworkService service(String ns, String hostId, String advertise, KvStore kv,
                                        Duration watchWait) throws Exception {
        NetlinkHandle h = openHandle(ns);
        closeables.add(h);
        VxlanConfig cfg = VxlanConfig.builder(hostId, Underlay.resolve(h, Optional.of(advertise)))
                .watchWait(watchWait).resyncInterval(Duration.ofSeconds(30)).build();
        VxlanNetworkService s = new VxlanNetworkService(h, kv, cfg);
        closeables.add(0, s);
        s.start();
        return s;
    }

    /** A network on 198.19.0.0/24 from javaoverlay's address space. */
    public static NetworkSpec network(String id) {
        return new NetworkSpec(id, List.of(NetworkRecord.Pool.of("JavaOverlayGlobal", IpPrefix.parse("198.19.0.0/24"),
                Optional.of(IpPrefix.parse("198.19.0.1/24")), Map.of())), List.of(), Map.of(), false, false);
    }

    /** An IPv4 network with the given pool and gateway (CIDR). */
    public static NetworkSpec network(String id, String pool, String gateway) {
        return new NetworkSpec(id, List.of(NetworkRecord.Pool.of("JavaOverlayGlobal", IpPrefix.parse(pool),
                Optional.of(IpPrefix.parse(gateway)), Map.of())), List.of(), Map.of(), false, false);
    }

    /** A dual-stack network: 198.19.0.0/24 and 2001:db8:20::/64 (documentation prefix, namespaces only). */
    public static NetworkSpec dualStackNetwork(String id) {
        return new NetworkSpec(id, List.of(NetworkRecord.Pool.of("JavaOverlayGlobal", IpPrefix.parse("198.19.0.0/24"),
                Optional.of(IpPrefix.parse("198.19.0.1/24")), Map.of())),
                List.of(NetworkRecord.Pool.of("JavaOverlayGlobal", IpPrefix.parse("2001:db8:20::/64"), Optional.empty(), Map.of())),
                Map.of(), true, false);
    }

    /** The Join answer and the namespace the container end was moved into. */
    public record Container(String ns, JoinResult join) {}

    /**
     * CreateEndpoint + Join on {@code host}, then what Docker does with SrcName: move it into a
     * fresh namespace, rename it {@code eth0}, set MAC and address, bring it up.
     */
    public Container container(VxlanNetworkService host, String hostNs, String nid, String eid, String cidr) {
        return container(host, hostNs, nid, eid, cidr, Optional.empty());
    }

    /** Like {@link #container(VxlanNetworkService, String, String, String, String)}, dual-stack. */
    public Container container(VxlanNetworkService host, String hostNs, String nid, String eid, String cidr,
                               Optional<String> cidr6) {
        EndpointGrant g = host.createEndpoint(nid, nid, new EndpointSpec(eid, Optional.of(IpPrefix.parse(cidr)),
                cidr6.map(IpPrefix::parse), Optional.empty()));
        JoinResult j = host.join(nid, eid, "/var/run/docker/netns/" + eid);
        String c = namespaces.create("c" + eid);
        sh("ip", "-n", hostNs, "link", "set", j.srcName(), "netns", c);
        sh("ip", "-n", c, "link", "set", j.srcName(), "name", "eth0");
        sh("ip", "-n", c, "link", "set", "eth0", "address", g.assignedMac().orElseThrow().toString());
        sh("ip", "-n", c, "addr", "add", cidr, "dev", "eth0");
        // nodad: Docker does not wait for duplicate address detection either
        cidr6.ifPresent(v6 -> sh("ip", "-n", c, "addr", "add", v6, "dev", "eth0", "nodad"));
        sh("ip", "-n", c, "link", "set", "eth0", "up");
        return new Container(c, j);
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort: the namespaces go anyway
            }
        }
        namespaces.close();
    }
}
