package io.javaoverlay.vxlan;

import io.javaoverlay.kvstore.consul.ConsulKvStore;
import io.javaoverlay.kvstore.consul.ConsulTestAgent;
import io.javaoverlay.vxlan.testing.TwoHostTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import java.time.Duration;
import java.util.UUID;

/**
 * The end-to-end data-plane tests again, with a real {@code consul agent -dev} as the cluster
 * store: each simulated host has its own Consul client, so peers really travel through
 * Consul's blocking queries.
 */
@Tag("privileged")
@Tag("consul")
class DataPlaneConsulIT extends DataPlaneIT {
    private static ConsulTestAgent agent;

    @BeforeAll
    static void startAgent() throws Exception {
        agent = ConsulTestAgent.startOrSkip();
    }

    @AfterAll
    static void stopAgent() {
        if (agent != null) {
            agent.close();
        }
    }

    @Override
    protected TwoHostTopology topology() throws Exception {
        String prefix = "jo-test/" + UUID.randomUUID() + "/";
        return new TwoHostTopology(Duration.ofSeconds(2), ConsulKvStore.open(agent.config(prefix)),
                ConsulKvStore.open(agent.config(prefix)));
    }
}
