package io.javaoverlay.vxlan;

import io.javaoverlay.kvstore.consul.ConsulAgentExtension;
import io.javaoverlay.vxlan.testing.TwoHostTopology;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

/**
 * The end-to-end data-plane tests again, with a real {@code consul agent -dev} as the cluster
 * store: each simulated host has its own Consul client, so peers really travel through
 * Consul's blocking queries.
 */
@Tag("privileged")
@Tag("consul")
class DataPlaneConsulIT extends DataPlaneIT {
    @RegisterExtension
    static final ConsulAgentExtension CONSUL = new ConsulAgentExtension();

    @Override
    protected TwoHostTopology topology() throws Exception {
        String prefix = ConsulAgentExtension.uniquePrefix("jo-test");
        return new TwoHostTopology(Duration.ofSeconds(2), CONSUL.openStore(prefix), CONSUL.openStore(prefix));
    }
}
