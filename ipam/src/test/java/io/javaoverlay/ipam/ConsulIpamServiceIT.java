package io.javaoverlay.ipam;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.consul.ConsulAgentExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole ipam contract against a real {@code consul agent -dev}, with two independent Consul
 * clients per test (each test under its own key prefix). Skips without a consul binary unless
 * CI=true.
 */
@Tag("consul")
class ConsulIpamServiceIT extends IpamAllocationContract {

    @RegisterExtension
    static final ConsulAgentExtension CONSUL = new ConsulAgentExtension();
    private final KvStore[] clients = new KvStore[2];

    @BeforeEach
    void open() throws Exception {
        String prefix = ConsulAgentExtension.uniquePrefix("jo-ipam-test");
        clients[0] = CONSUL.openStore(prefix);
        clients[1] = CONSUL.openStore(prefix);
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
