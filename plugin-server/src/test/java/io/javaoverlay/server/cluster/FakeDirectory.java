package io.javaoverlay.server.cluster;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;
import io.javaoverlay.vxlan.state.OverlayStore;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every simulated host's plugin records: its network aliases, written into the shared store as
 * the plugin writes them, and the hosts' liveness as the membership would judge it.
 */
final class FakeDirectory {
    volatile KvStore store;
    /** Hosts whose plugin is not running (all others are alive). */
    final Set<String> dead = ConcurrentHashMap.newKeySet();

    void put(String host, String id, String cid) {
        try {
            store.put(ClusterKeys.alias(host, id), cid.getBytes(StandardCharsets.UTF_8));
        } catch (KvStoreException e) {
            throw new UncheckedIOException(e);
        }
    }

    void remove(String host, String id) {
        try {
            store.delete(ClusterKeys.alias(host, id));
        } catch (KvStoreException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One host's view of the aliases. */
    NetworkIdentity of(String host) {
        return new NetworkIdentity(store, new OverlayStore(store), host, false);
    }

    /** The cluster alias of {@code host}'s Docker network {@code id}. */
    Optional<String> clusterIdOf(String host, String id) {
        return of(host).aliasOf(id);
    }

    /** h1..h4, DEAD if in {@link #dead}, else ALIVE. */
    MembershipView membership() {
        FakeMembershipView m = new FakeMembershipView() {
            @Override
            public java.util.Map<String, HostView> snapshot() {
                hosts.clear();
                for (String h : List.of("h1", "h2", "h3", "h4")) {
                    host(h, dead.contains(h) ? Liveness.DEAD : Liveness.ALIVE);
                }
                return super.snapshot();
            }
        };
        return m;
    }
}
