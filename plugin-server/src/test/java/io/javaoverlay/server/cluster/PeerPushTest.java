package io.javaoverlay.server.cluster;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.vxlan.NetworkService;
import io.javaoverlay.vxlan.firewall.CommandRunner;
import io.javaoverlay.vxlan.firewall.FirewallConfig;
import io.javaoverlay.vxlan.firewall.HostFirewall;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ingress filter narrows only on evidence: a DEAD host's VTEP leaves at once, a host that is merely
 * no longer listed (store data lost, wrong prefix, a restart that has not read the hosts yet) stays
 * allowed for the retention. Without this, a daemon started on a wrong prefix dropped every other
 * host's VXLAN while its data plane was frozen to keep traffic going (StoreOutageE2EIT lost 9 pings).
 */
class PeerPushTest {
    private final FakeTime time = new FakeTime();
    private final List<String> scripts = new ArrayList<>();
    private String installedTable = null;
    private final Set<String> withdrawn = new java.util.TreeSet<>();

    private final CommandRunner nft = (command, stdin, timeout) -> {
        if (command.contains("list")) {
            return installedTable == null ? new CommandRunner.Result(1, "", "Error: No such file or directory")
                    : new CommandRunner.Result(0, installedTable, "");
        }
        stdin.ifPresent(scripts::add);
        return new CommandRunner.Result(0, "", "");
    };

    @SuppressWarnings("unchecked")
    private final NetworkService overlay = (NetworkService) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[]{NetworkService.class}, (proxy, method, args) -> {
                if (method.getName().equals("setWithdrawnHosts")) {
                    withdrawn.clear();
                    withdrawn.addAll((Set<String>) args[0]);
                }
                return null;
            });

    private final HostFirewall firewall = new HostFirewall(FirewallConfig.defaults().withIngressFilter(true), nft);
    private final ClusterWiring.PeerPush push = new ClusterWiring.PeerPush(overlay, firewall, Duration.ofMinutes(10), time);

    private static HostView host(String id, Liveness state, String vtep) {
        return new HostView(id, state, Optional.of(IpAddress.parse(vtep)), id, "test", Duration.ZERO, Instant.EPOCH, true);
    }

    private void push(HostView... views) {
        Map<String, HostView> m = new LinkedHashMap<>();
        for (HostView v : views) {
            m.put(v.hostId(), v);
        }
        push.membershipChanged(m, List.of());
    }

    private String lastScript() {
        assertTrue(!scripts.isEmpty(), "nothing programmed");
        return scripts.get(scripts.size() - 1);
    }

    @Test
    void anUnlistedHostStaysAllowedForTheRetentionADeadOneLeavesAtOnce() {
        push(host("h1", Liveness.ALIVE, "198.18.0.11"), host("h2", Liveness.ALIVE, "198.18.0.12"),
                host("h3", Liveness.ALIVE, "198.18.0.13"));
        assertTrue(lastScript().contains("198.18.0.12") && lastScript().contains("198.18.0.13"), lastScript());

        // The store is read under a wrong prefix: only this host is listed.
        push(host("h1", Liveness.ALIVE, "198.18.0.11"));
        assertTrue(lastScript().contains("198.18.0.12") && lastScript().contains("198.18.0.13"),
                "an empty read must not narrow the filter: " + lastScript());

        // h3 is seen again and dies: it leaves at once; h2, still unlisted, stays.
        push(host("h1", Liveness.ALIVE, "198.18.0.11"), host("h3", Liveness.DEAD, "198.18.0.13"));
        assertEquals(Set.of("h3"), withdrawn);
        assertTrue(!lastScript().contains("198.18.0.13") && lastScript().contains("198.18.0.12"), lastScript());

        // After the retention, the unlisted h2 leaves too.
        time.advance(Duration.ofMinutes(11));
        push(host("h1", Liveness.ALIVE, "198.18.0.11"));
        assertTrue(!lastScript().contains("198.18.0.12") && lastScript().contains("198.18.0.11"), lastScript());
    }

    /**
     * A host that has just started: this host's data plane already sends to its first endpoint (learned
     * through the store's watch) while the membership has not read its heartbeat yet. Its VTEP is admitted
     * at once, or the first packets of its containers would be dropped here; a DEAD host's VTEP stays out
     * even while it is a peer.
     */
    @Test
    void aVtepTheDataPlaneSendsToIsAdmittedBeforeItsHostIsListedButNotWhenDead() {
        push.peerVtepsChanged(Set.of(IpAddress.parse("198.18.0.14")));
        assertTrue(scripts.isEmpty(), "before the membership's first look the filter waits: " + scripts);

        push(host("h1", Liveness.ALIVE, "198.18.0.11"), host("h2", Liveness.ALIVE, "198.18.0.12"));
        assertTrue(lastScript().contains("198.18.0.14") && lastScript().contains("198.18.0.12"), lastScript());

        // A later host h5: its first endpoint is programmed here before its heartbeat is read.
        push.peerVtepsChanged(Set.of(IpAddress.parse("198.18.0.14"), IpAddress.parse("198.18.0.15")));
        assertTrue(lastScript().contains("198.18.0.15"), "admitted on the data plane's word: " + lastScript());
        int programmed = scripts.size();
        push(host("h1", Liveness.ALIVE, "198.18.0.11"), host("h2", Liveness.ALIVE, "198.18.0.12"),
                host("h5", Liveness.ALIVE, "198.18.0.15"));
        assertTrue(lastScript().contains("198.18.0.15"), lastScript());

        // h5 dies while its endpoint is still a peer: it leaves the filter anyway.
        push(host("h1", Liveness.ALIVE, "198.18.0.11"), host("h2", Liveness.ALIVE, "198.18.0.12"),
                host("h5", Liveness.DEAD, "198.18.0.15"));
        assertTrue(scripts.size() > programmed && !lastScript().contains("198.18.0.15"), lastScript());
        assertEquals(Set.of("h5"), withdrawn);
    }
}
