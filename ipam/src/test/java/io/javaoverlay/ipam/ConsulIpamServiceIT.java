package io.javaoverlay.ipam;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.consul.ConsulAgentExtension;
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
    /** A fresh prefix per test (JUnit makes a new instance for each), shared by its clients. */
    private final String prefix = ConsulAgentExtension.uniquePrefix("jo-ipam-test");

    @Override
    protected KvStore openClient() throws Exception {
        return CONSUL.openStore(prefix);
    }
}
