package io.javaoverlay.server.status;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.vxlan.cluster.HostRecord;
import io.javaoverlay.vxlan.cluster.HostRegistry;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkAlias;
import io.javaoverlay.vxlan.state.NetworkKeys;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link HostsSource} on today's store layout: every host that has a {@code hosts/} registration,
 * an endpoint record or a network alias. A registration is held by a liveness lease, so a host
 * with one is alive. Without one it is dead when this daemon runs registrations (its lease
 * expired), else unknown (scope global or the file store: nobody registers). This host is alive.
 */
public final class StoreHosts implements HostsSource {
    private final KvStore store;
    private final String selfId;
    private final String selfVtep;
    private final Instant selfStarted;
    private final boolean registrations;

    /**
     * @param registrations true when hosts keep {@code hosts/} registrations in this mode (scope local
     *                      with a shared store), so a missing one means the host is gone
     */
    public StoreHosts(KvStore store, String selfId, String selfVtep, Instant selfStarted, boolean registrations) {
        this.store = store;
        this.selfId = selfId;
        this.selfVtep = selfVtep;
        this.selfStarted = selfStarted;
        this.registrations = registrations;
    }

    @Override
    public Map<String, Host> hosts() throws Exception {
        Map<String, HostRecord> registered = HostRegistry.liveHosts(store);
        Map<String, String> vteps = new TreeMap<>();
        for (KvEntry e : store.list(NetworkKeys.ENDPOINTS)) {
            try {
                EndpointRecord r = NetworkKeys.decode(e.key(), e.value(), EndpointRecord.class);
                vteps.putIfAbsent(r.hostId(), r.vtep());
            } catch (IllegalArgumentException corrupt) {
                // shown by the networks listing; a host list must not fail on one bad record
            }
        }
        for (NetworkAlias a : new OverlayStore(store).aliases()) {
            vteps.putIfAbsent(a.hostId(), null);
        }
        Map<String, Host> out = new TreeMap<>();
        registered.forEach((id, r) -> out.put(id, new Host(id, Liveness.ALIVE, Optional.of(r.vtep()),
                Optional.ofNullable(r.hostname()).filter(h -> !h.isEmpty()), Optional.empty(),
                r.startedAt() > 0 ? Optional.of(Instant.ofEpochMilli(r.startedAt())) : Optional.empty())));
        vteps.forEach((id, vtep) -> out.computeIfAbsent(id, k -> new Host(id,
                registrations ? Liveness.DEAD : Liveness.UNKNOWN, Optional.ofNullable(vtep), Optional.empty(),
                Optional.empty(), Optional.empty())));
        Host self = out.get(selfId);
        out.put(selfId, new Host(selfId, Liveness.ALIVE, Optional.of(selfVtep),
                self == null ? Optional.empty() : self.hostname(), Optional.empty(), Optional.of(selfStarted)));
        return out;
    }
}
