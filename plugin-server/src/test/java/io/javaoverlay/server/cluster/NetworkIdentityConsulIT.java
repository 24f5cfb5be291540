package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.consul.ConsulAgentExtension;
import io.javaoverlay.vxlan.state.OverlayStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The leave races of {@link NetworkIdentityTest} on a real Consul, which keeps a key's modify index
 * when a write does not change its bytes: a host that left by rewriting the network record unchanged
 * let a second host's compare-and-set on the old index pass, both aliases went and the record stayed
 * (seen in MultiHostDocker28IT as {@code networks/<id>} and {@code vni/<n>} left behind). The
 * in-memory store bumps the index on every write, so only this test shows it.
 */
@Tag("consul")
class NetworkIdentityConsulIT {
    @RegisterExtension
    static final ConsulAgentExtension CONSUL = new ConsulAgentExtension();

    private KvStore kv;
    private OverlayStore overlay;
    private NetworkIdentity h1;
    private NetworkIdentity h2;

    @BeforeEach
    void setUp() throws Exception {
        kv = CONSUL.openStore(ConsulAgentExtension.uniquePrefix("ident"));
        overlay = new OverlayStore(kv);
        h1 = new NetworkIdentity(kv, overlay, "h1", false);
        h2 = new NetworkIdentity(kv, overlay, "h2", false);
        overlay.claimNetwork(NetworkIdentityTest.wanted("c1", Map.of()), Optional.empty(), 1, 4095);
        h1.created("c1", "c1");
        h2.join(NetworkIdentityTest.wanted("d2", Map.of()), "c1", Optional.empty());
    }

    @AfterEach
    void close() {
        kv.close();
    }

    @Test
    void twoHostsLeavingAtOnceNeverLeaveTheRecordBehind() {
        KvStore racing = NetworkIdentityTest.onceAfterList(kv, () -> h1.leave("c1"));
        new NetworkIdentity(racing, new OverlayStore(racing), "h2", false).leave("d2");
        assertTrue(h1.aliases().isEmpty(), "both aliases gone");
        assertTrue(overlay.findNetwork("c1").isEmpty(), "the last one out deleted the record");
    }

    @Test
    void twoHostsLeavingAtOnceNeverLeaveTheRecordBehindWhicheverListingTheyRaceWith() {
        KvStore racing = NetworkIdentityTest.afterList(kv, 2, () -> h1.leave("c1"));
        new NetworkIdentity(racing, new OverlayStore(racing), "h2", false).leave("d2");
        assertTrue(h1.aliases().isEmpty(), "both aliases gone");
        assertTrue(overlay.findNetwork("c1").isEmpty(), "the last one out deleted the record");
    }

    @Test
    void aHostJoiningWhileTheLastOneLeavesKeepsTheNetwork() {
        h2.leave("d2"); // h1 is the only host again
        KvStore racing = NetworkIdentityTest.onceAfterList(kv,
                () -> h2.join(NetworkIdentityTest.wanted("d2", Map.of()), "c1", Optional.empty()));
        new NetworkIdentity(racing, new OverlayStore(racing), "h1", false).leave("c1");
        assertTrue(overlay.findNetwork("c1").isPresent(), "h2 joined it: the record stays");
        assertTrue(h1.hostsWith("c1").equals(java.util.Set.of("h2")), "h2 has it: " + h1.hostsWith("c1"));
    }
}
