package io.javaoverlay.kvstore;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Service registration in a service catalog (Consul's agent and catalog API), without any
 * third-party type: what plugin-server needs to do registrator's job.
 *
 * <p>Services are registered with the agent this client talks to (so that agent runs the TTL
 * check and its anti-entropy keeps the catalog in step); services found on another node are
 * removed through the catalog. All calls are bounded in time like {@link KvStore}'s:
 * an unreachable catalog raises {@link StoreUnavailableException}.
 */
public interface ServiceCatalog extends AutoCloseable {

    /** Health of a TTL check, in Consul's words. */
    enum Health {
        PASSING, WARNING, CRITICAL;

        /** Consul's spelling. */
        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One service instance to register, with a TTL check that the registrant keeps passing.
     *
     * @param id                      unique service ID (deterministic, so re-registering replaces)
     * @param name                    service name ({@code web} → {@code web.service.consul})
     * @param address                 the instance's address (for javaoverlay: the overlay IP)
     * @param port                    the instance's port
     * @param tags                    tags, sorted and de-duplicated
     * @param meta                    metadata; javaoverlay marks its own services here
     * @param ttl                     the check goes critical unless updated within this time
     * @param deregisterCriticalAfter the agent removes the service after its check was critical this long
     * @param initial                 the check's status at registration
     */
    record Registration(String id, String name, String address, int port, List<String> tags,
                        Map<String, String> meta, Duration ttl, Duration deregisterCriticalAfter, Health initial) {
        public Registration {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("service " + id + ": port " + port + " is not 1-65535");
            }
            tags = List.copyOf(new java.util.TreeSet<>(tags == null ? List.of() : tags));
            meta = Map.copyOf(new TreeMap<>(meta == null ? Map.of() : meta));
            Objects.requireNonNull(ttl, "ttl");
            Objects.requireNonNull(deregisterCriticalAfter, "deregisterCriticalAfter");
            Objects.requireNonNull(initial, "initial");
        }

        /** The ID of the service's TTL check ({@code service:<id>}, Consul's own naming). */
        public String checkId() {
            return checkIdOf(id);
        }

        /** True when {@code i} is this registration as the catalog shows it (same name, address, port, tags, meta). */
        public boolean sameAs(Instance i) {
            return id.equals(i.id()) && name.equals(i.name()) && address.equals(i.address()) && port == i.port()
                    && tags.equals(i.tags()) && meta.equals(i.meta());
        }
    }

    /** The check ID of service {@code serviceId}. */
    static String checkIdOf(String serviceId) {
        return "service:" + serviceId;
    }

    /**
     * One registered service instance as the agent or the catalog shows it.
     *
     * @param node the catalog node it belongs to
     */
    record Instance(String node, String id, String name, String address, int port, List<String> tags,
                    Map<String, String> meta) {
        public Instance {
            tags = List.copyOf(new java.util.TreeSet<>(tags == null ? List.of() : tags));
            meta = Map.copyOf(new TreeMap<>(meta == null ? Map.of() : meta));
        }
    }

    /** The node name of the agent this client registers with. */
    String agentNode() throws KvStoreException;

    /** Registers (or replaces) a service and its TTL check with the agent. */
    void register(Registration r) throws KvStoreException;

    /** Removes a service (and its check) from the agent; an unknown ID succeeds. */
    void deregister(String serviceId) throws KvStoreException;

    /** Removes a service of another node straight from the catalog (for nodes whose agent is gone). */
    void deregisterFromCatalog(String node, String serviceId) throws KvStoreException;

    /**
     * Sets a TTL check's status, which also restarts its TTL.
     *
     * @throws KvStoreException when the check does not exist (the caller should re-register)
     */
    void updateTtl(String checkId, Health health, String output) throws KvStoreException;

    /** Every service registered with this agent. */
    List<Instance> agentServices() throws KvStoreException;

    /** Every service in the catalog, on any node, whose meta has {@code metaKey = metaValue}. */
    List<Instance> catalogServices(String metaKey, String metaValue) throws KvStoreException;

    /** A short description for logs. */
    String describe();

    @Override
    void close();
}
