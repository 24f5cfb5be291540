package io.javaoverlay.kvstore.consul;

import io.javaoverlay.kvstore.KvStoreException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.UUID;

/**
 * One throw-away {@link ConsulTestAgent} per test class, for every module's Consul ITs:
 *
 * <pre>
 * &#64;RegisterExtension
 * static final ConsulAgentExtension CONSUL = new ConsulAgentExtension();
 * ...
 * KvStore store = CONSUL.openStore(ConsulAgentExtension.uniquePrefix("jo-test"));
 * </pre>
 *
 * The agent starts before the class's first test; without a consul binary the whole class is
 * skipped, or fails under CI=true ({@link ConsulTestAgent#startOrSkip()}). It is stopped after
 * the class's last test. Tests share the agent, so each one works under its own key prefix.
 */
public final class ConsulAgentExtension implements BeforeAllCallback, AfterAllCallback {
    private ConsulTestAgent agent;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        agent = ConsulTestAgent.startOrSkip();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }

    /** The running agent (for outage tests, addresses, child processes). */
    public ConsulTestAgent agent() {
        if (agent == null) {
            throw new IllegalStateException("the Consul test agent runs only between beforeAll and afterAll;"
                    + " register this extension on a static field");
        }
        return agent;
    }

    /** A Consul store on the agent, keeping its keys under {@code prefix}. */
    public ConsulKvStore openStore(String prefix) throws KvStoreException {
        return ConsulKvStore.open(agent().config(prefix));
    }

    /** A key prefix no other test uses: {@code <label>/<random uuid>/}. */
    public static String uniquePrefix(String label) {
        return label + "/" + UUID.randomUUID() + "/";
    }
}
