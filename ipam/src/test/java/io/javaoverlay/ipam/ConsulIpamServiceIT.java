package io.javaoverlay.ipam;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.consul.ConsulKvStore;
import io.javaoverlay.kvstore.consul.ConsulTestAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import java.util.UUID;

/**
 * The whole ipam contract against a real {@code consul agent -dev}, with two independent Consul
 * clients per test (each test under its own key prefix). Skips without a consul binary unless
 * CI=true.
 */
@Tag("consul")
class ConsulIpamServiceIT extends IpamAllocationContract {

    private static ConsulTestAgent agent;
    private final KvStore[] clients = new KvStore[2];

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

    @BeforeEach
    void open() throws Exception {
        String prefix = "jo-ipam-test/" + UUID.randomUUID() + "/";
        clients[0] = ConsulKvStore.open(agent.config(prefix));
        clients[1] = ConsulKvStore.open(agent.config(prefix));
    }

    @AfterEach
    void close() {
        for (KvStore c : clients) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Override
    protected KvStore client(int i) {
        return clients[i];
    }
}
