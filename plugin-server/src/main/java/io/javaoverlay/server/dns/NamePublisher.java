package io.javaoverlay.server.dns;

import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStoreException;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes this host's {@link NameRecord}s to the store. The Docker watcher (wired by the daemon)
 * calls {@link #publish} with every local endpoint it sees, after each Docker event and
 * periodically; the publisher makes {@code names/<hostId>/} equal to that list: new and changed
 * records are written, records of endpoints that are gone are deleted, unchanged ones are left
 * alone (no store write, so no watch wake-up on other hosts).
 *
 * <p>Never call it from a plugin request handler: it does store round trips.
 */
public final class NamePublisher {
    private static final System.Logger LOG = System.getLogger(NamePublisher.class.getName());

    private final KvStore store;
    private final String hostId;

    /** A publisher of {@code hostId}'s records in {@code store}. */
    public NamePublisher(KvStore store, String hostId) {
        this.store = Objects.requireNonNull(store, "store");
        this.hostId = hostId;
        NameKeys.hostPrefix(hostId); // validates
    }

    /** This host's ID. */
    public String hostId() {
        return hostId;
    }

    /**
     * Makes the store hold exactly {@code mine} under {@code names/<hostId>/}.
     *
     * @return the number of keys written or deleted
     * @throws IllegalArgumentException if a record belongs to another host (nothing is written)
     * @throws KvStoreException         when the store fails; what was done stays done, and the next call finishes it
     */
    public synchronized int publish(List<NameRecord> mine) throws KvStoreException {
        Map<String, byte[]> desired = new HashMap<>();
        for (NameRecord r : mine) {
            if (!hostId.equals(r.hostId())) {
                throw new IllegalArgumentException("name record of endpoint " + r.endpointId() + " belongs to host "
                        + r.hostId() + ", not to this host " + hostId);
            }
            desired.put(NameKeys.key(r), NameKeys.encode(r));
        }
        int changes = 0;
        Map<String, KvEntry> current = new HashMap<>();
        for (KvEntry e : store.list(NameKeys.hostPrefix(hostId))) {
            current.put(e.key(), e);
        }
        for (Map.Entry<String, byte[]> d : desired.entrySet()) {
            KvEntry have = current.get(d.getKey());
            if (have == null || !Arrays.equals(have.value(), d.getValue())) {
                store.put(d.getKey(), d.getValue());
                changes++;
            }
        }
        for (String k : current.keySet()) {
            if (!desired.containsKey(k)) {
                store.delete(k);
                changes++;
            }
        }
        if (changes > 0) {
            LOG.log(Level.DEBUG, "published " + desired.size() + " name records of host " + hostId + " ("
                    + changes + " keys changed)");
        }
        return changes;
    }

    /**
     * Removes every name record of {@code deadHostId} (the dead-host path: its containers are
     * gone with it, and nobody else will clean its subtree).
     */
    public void removeHost(String deadHostId) throws KvStoreException {
        store.deletePrefix(NameKeys.hostPrefix(deadHostId));
        LOG.log(Level.INFO, "removed the container names of host " + deadHostId);
    }
}
