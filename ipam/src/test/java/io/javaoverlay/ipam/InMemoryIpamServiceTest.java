package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamService.PoolGrant;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.OverlayException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The whole contract on the in-memory fake, plus store-failure behaviour only a fake can stage. */
class InMemoryIpamServiceTest extends IpamAllocationContract {

    private final InMemoryKvStore store = new InMemoryKvStore();

    @Override
    protected KvStore openClient() {
        return store;
    }

    @Test
    void addressSpacesAnswerWhileTheStoreIsDown() {
        KvIpamService a = host("a", 0);
        store.setDown(true);
        assertEquals(IpamConfig.GLOBAL_SPACE, a.addressSpaces().global());
    }

    @Test
    void storeOutageIsUnavailableAndNamesTheStore() {
        KvIpamService a = host("a", 0);
        PoolGrant p = pool(a, "198.18.0.0/24", null);
        store.setDown(true);
        OverlayException e = fails(OverlayException.class, () -> addr(a, p.poolId()), "198.18.0.0/24", "store " + store.describe() + " failed");
        assertEquals(OverlayException.Kind.UNAVAILABLE, e.kind());
        store.setDown(false);
        addr(a, p.poolId());
    }

    @Test
    void aHalfFinishedReleaseIsCompletedBySweepOrByTheNextClaim() throws Exception {
        KvIpamService a = host("a", 0);
        PoolGrant p = pool(a, "198.18.0.0/24", null);
        addr(a, p.poolId(), "198.18.0.9");
        // Simulate a crash right after the tombstone commit: rewrite the record as DELETING and
        // drop it from the index, leaving the address behind.
        String pk = IpamKeys.pool(IpPrefix.parseNetwork("198.18.0.0/24"));
        var rec = IpamRecords.decode(pk, store.get(pk).orElseThrow().value(), IpamRecords.PoolRecord.class);
        store.put(pk, IpamRecords.encode(rec.deleting()));
        store.put(IpamKeys.poolIndex(false), IpamRecords.encode(new IpamRecords.PoolIndex(java.util.List.of())));
        fails(PoolNotFoundException.class, () -> addr(a, p.poolId()), p.poolId());
        PoolGrant again = pool(a, "198.18.0.0/24", null); // finishes the deletion, then claims
        assertEquals(0, addressKeys(again.poolId()).size());
        assertEquals(0, addressKeys(p.poolId()).size());
        a.releasePool(again.poolId());
        assertStoreEmpty();
    }
}
