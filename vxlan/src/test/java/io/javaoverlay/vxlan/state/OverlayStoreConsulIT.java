package io.javaoverlay.vxlan.state;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.consul.ConsulAgentExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@link OverlayStoreContract} against a real {@code consul agent -dev} (each test under its own
 * key prefix): Consul's transactions report the failed operation their own way, and the index keys
 * hold IPv6 text with colons. Skips without a consul binary unless CI=true.
 */
@Tag("consul")
class OverlayStoreConsulIT extends OverlayStoreContract {
    @RegisterExtension
    static final ConsulAgentExtension CONSUL = new ConsulAgentExtension();

    @Override
    protected KvStore createStore() throws Exception {
        return CONSUL.openStore(ConsulAgentExtension.uniquePrefix("jo-overlay-test"));
    }
}
