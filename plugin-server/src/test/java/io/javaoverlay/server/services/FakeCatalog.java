package io.javaoverlay.server.services;

import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.kvstore.ServiceCatalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Consul stand-in with the behaviour that matters for reconciliation: one agent (node
 * {@code agentNode}) whose services and TTL checks are its own, plus services of other nodes
 * in the catalog. As in Consul, deregistering an agent's service through the catalog API is
 * undone by the agent's anti-entropy, so it changes nothing here.
 */
final class FakeCatalog implements ServiceCatalog {
    final String agentNode;
    final Map<String, Registration> agent = new HashMap<>();
    final Map<String, Health> checks = new HashMap<>();
    final Map<String, Instance> otherNodes = new HashMap<>(); // node/id → instance
    int registerCalls;
    int writes;
    boolean down;

    FakeCatalog(String agentNode) {
        this.agentNode = agentNode;
    }

    private void up() throws KvStoreException {
        if (down) {
            throw new io.javaoverlay.kvstore.StoreUnavailableException("fake Consul is down", null);
        }
    }

    @Override
    public String agentNode() throws KvStoreException {
        up();
        return agentNode;
    }

    @Override
    public void register(Registration r) throws KvStoreException {
        up();
        registerCalls++;
        writes++;
        agent.put(r.id(), r);
        checks.put(r.checkId(), r.initial());
    }

    @Override
    public void deregister(String serviceId) throws KvStoreException {
        up();
        writes++;
        agent.remove(serviceId);
        checks.remove(ServiceCatalog.checkIdOf(serviceId));
    }

    @Override
    public void deregisterFromCatalog(String node, String serviceId) throws KvStoreException {
        up();
        writes++;
        otherNodes.remove(node + "/" + serviceId); // on agentNode: anti-entropy puts it back, i.e. no effect
    }

    @Override
    public void updateTtl(String checkId, Health health, String output) throws KvStoreException {
        up();
        if (!checks.containsKey(checkId)) {
            throw new KvStoreException("update check " + checkId + ": Consul answered HTTP 404 (unknown check)");
        }
        checks.put(checkId, health);
    }

    @Override
    public List<Instance> agentServices() throws KvStoreException {
        up();
        List<Instance> out = new ArrayList<>();
        agent.values().forEach(r -> out.add(asInstance(agentNode, r)));
        return out;
    }

    @Override
    public List<Instance> catalogServices(String metaKey, String metaValue) throws KvStoreException {
        List<Instance> out = new ArrayList<>();
        for (Instance i : agentServices()) {
            if (metaValue.equals(i.meta().get(metaKey))) {
                out.add(i);
            }
        }
        for (Instance i : otherNodes.values()) {
            if (metaValue.equals(i.meta().get(metaKey))) {
                out.add(i);
            }
        }
        return out;
    }

    static Instance asInstance(String node, Registration r) {
        return new Instance(node, r.id(), r.name(), r.address(), r.port(), r.tags(), r.meta());
    }

    /** Every instance of {@code host}, anywhere. */
    List<String> idsOf(String host) throws KvStoreException {
        return catalogServices(ServiceDefinitions.META_HOST, host).stream().map(i -> i.node() + "/" + i.id()).sorted()
                .toList();
    }

    @Override
    public String describe() {
        return "fake catalog";
    }

    @Override
    public void close() {
    }
}
