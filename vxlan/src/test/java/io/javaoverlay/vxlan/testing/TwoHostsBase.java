package io.javaoverlay.vxlan.testing;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.vxlan.VxlanNetworkService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.Map;

/**
 * Base of the service unit tests: a fresh {@link TwoHosts} per test, its parts as fields. Override
 * {@link #newStore()} to run the same tests on another store.
 */
public abstract class TwoHostsBase {
    protected TwoHosts hosts;
    protected KvStore kv;
    protected FakeNetlinkHandle nlA;
    protected FakeNetlinkHandle nlB;
    protected VxlanNetworkService a;
    protected VxlanNetworkService b;

    /** The store both hosts share; the in-memory one unless a subclass says otherwise. */
    protected KvStore newStore() throws Exception {
        return new InMemoryKvStore();
    }

    @BeforeEach
    void openHosts() throws Exception {
        hosts = new TwoHosts(newStore());
        kv = hosts.kv;
        nlA = hosts.nlA;
        nlB = hosts.nlB;
        a = hosts.a;
        b = hosts.b;
    }

    /** Both hosts started, network n1 created on both, and on a container ea (10.20.0.5) joined to it on a. */
    protected void n1OnBothWithContainerOnA() {
        a.start();
        b.start();
        a.createNetwork(hosts.net("n1", Map.of()));
        b.createNetwork(hosts.net("n1", Map.of()));
        a.createEndpoint("n1", "dn-a", TwoHosts.ep("ea", "10.20.0.5/24"));
        a.join("n1", "ea", "/var/run/docker/netns/a");
    }

    @AfterEach
    void closeHosts() {
        hosts.close();
    }
}
