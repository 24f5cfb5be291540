package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.vxlan.cluster.HostRegistry;
import io.javaoverlay.vxlan.state.NetworkAlias;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link ClusterDirectory} as the store holds it: the vxlan module's {@code netalias/<hostId>/<networkId>}
 * records (which host maps which Docker network onto which cluster network) and the {@code hosts/}
 * registrations. It holds no devices; the name says where the answers come from.
 */
public final class AliasDirectory implements ClusterDirectory {
    private final KvStore kv;
    private final OverlayStore store;
    private final String hostId;

    /** Reads {@code store} as host {@code hostId}. */
    public AliasDirectory(KvStore store, String hostId) {
        this.kv = store;
        this.store = new OverlayStore(store);
        this.hostId = hostId;
    }

    @Override
    public Optional<String> clusterIdOf(String localNetworkId) {
        return store.findAlias(hostId, localNetworkId);
    }

    @Override
    public Set<String> hostsWith(String clusterId) {
        Set<String> out = new TreeSet<>();
        for (NetworkAlias a : store.aliases()) {
            if (a.clusterId().equals(clusterId)) {
                out.add(a.hostId());
            }
        }
        return out;
    }

    @Override
    public Map<String, String> localAliases() {
        Map<String, String> out = new TreeMap<>();
        for (NetworkAlias a : store.aliases()) {
            if (a.hostId().equals(hostId)) {
                out.put(a.networkId(), a.clusterId());
            }
        }
        return out;
    }

    @Override
    public void forgetLocal(String localNetworkId) {
        Optional<String> cid = store.findAlias(hostId, localNetworkId);
        store.deleteAlias(hostId, localNetworkId);
        cid.ifPresent(store::deleteNetworkIfUnmapped);
    }

    @Override
    public Set<String> liveHosts() throws KvStoreException {
        return new TreeSet<>(HostRegistry.liveHosts(kv).keySet());
    }
}
