package io.javaoverlay.vxlan;

import static io.javaoverlay.vxlan.testing.TwoHosts.ep;
import static io.javaoverlay.vxlan.testing.TwoHosts.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;
import io.javaoverlay.types.OverlayException.Kind;
import io.javaoverlay.vxlan.reconcile.PassListener;
import io.javaoverlay.vxlan.state.OverlayStore;
import io.javaoverlay.vxlan.testing.FakeNetlinkHandle;
import io.javaoverlay.vxlan.testing.TwoHosts;
import io.javaoverlay.vxlan.testing.TwoHostsBase;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cost guard of {@code javaoverlay.bum=replicate} ({@code --bum-max-hosts}): a host that is not
 * yet in such a network may not make it span more hosts than the limit; hosts already in it, and
 * networks without the option, are not limited.
 */
class BumGuardTest extends TwoHostsBase {
    static final Map<String, String> BUM = Map.of(NetworkOptions.BUM, "replicate");

    VxlanNetworkService c;

    /** A third host, host-c, whose limit is 2 hosts per BUM network. */
    VxlanNetworkService hostC() {
        FakeNetlinkHandle nl = new FakeNetlinkHandle();
        int idx = nl.addDevice("eth0", 1400, IpPrefix.parse("198.18.0.3/24"));
        VxlanConfig cfg = VxlanConfig.builder("host-c", new Underlay(IpAddress.parse("198.18.0.3"), idx, "eth0", 1400))
                .resyncInterval(Duration.ofMinutes(10)).watchWait(Duration.ofMillis(200))
                .bumLimits(new VxlanConfig.BumLimits(2, 2)).build();
        c = new VxlanNetworkService(nl, kv, cfg, PassListener.NONE, TwoHosts.CLOCK);
        return c;
    }

    @AfterEach
    void closeC() {
        if (c != null) {
            c.close();
        }
    }

    @Test
    void aHostBeyondTheLimitIsRefusedWithTheNumbersAndNothingIsStored() {
        a.createNetwork(hosts.net("n1", BUM));
        a.createEndpoint("n1", "dn-a", ep("e1", "10.20.0.5/24"));
        b.createEndpoint("n1", "dn-b", ep("e2", "10.20.0.6/24"));
        OverlayException e = fails(Kind.EXHAUSTED, () -> hostC().createEndpoint("n1", "dn-c", ep("e3", "10.20.0.7/24")));
        assertTrue(e.getMessage().startsWith("network n1 already spans 2 hosts with javaoverlay.bum=replicate, the most"
                + " --bum-max-hosts allows (2); a container on host-c would make every broadcast and multicast frame be"
                + " copied 2 times by its sender."), e.getMessage());
        assertEquals(2, new OverlayStore(kv).endpoints("n1").size(), "a refused endpoint is not stored");
    }

    @Test
    void aHostAlreadyInTheNetworkAndNetworksWithoutTheOptionAreNotLimited() {
        a.createNetwork(hosts.net("n1", BUM));
        a.createNetwork(hosts.net("n2", Map.of()));
        hostC().createEndpoint("n1", "dn-c", ep("e1", "10.20.0.5/24"));
        b.createEndpoint("n1", "dn-b", ep("e2", "10.20.0.6/24"));
        c.createEndpoint("n1", "dn-c", ep("e3", "10.20.0.7/24")); // host-c is one of the 2 already
        a.createEndpoint("n2", "dn-a", ep("e4", "10.21.2.5/24")); // n2 is 10.21.2.0/24 (TwoHosts#net)
        b.createEndpoint("n2", "dn-b", ep("e5", "10.21.2.6/24"));
        c.createEndpoint("n2", "dn-c", ep("e6", "10.21.2.7/24"));
        assertEquals(3, new OverlayStore(kv).endpoints("n2").size());
    }

    @Test
    void anEndpointIdStoredByAnotherHostIsAConflictNotTheLimit() {
        a.createNetwork(hosts.net("n1", BUM));
        a.createEndpoint("n1", "dn-a", ep("e1", "10.20.0.5/24"));
        b.createEndpoint("n1", "dn-b", ep("e2", "10.20.0.6/24"));
        OverlayException e = fails(Kind.CONFLICT, () -> hostC().createEndpoint("n1", "dn-c", ep("e1", "10.20.0.5/24")));
        assertTrue(e.getMessage().contains("endpoint e1 of network n1 already exists") && e.getMessage().contains("(host-a)"),
                e.getMessage());
        assertEquals(2, new OverlayStore(kv).endpoints("n1").size(), "nothing is stored");
    }

    @Test
    void limitsBelowTwoHostsAreRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new VxlanConfig.BumLimits(16, 1));
        assertTrue(e.getMessage().contains("--bum-max-hosts 1"), e.getMessage());
    }
}
