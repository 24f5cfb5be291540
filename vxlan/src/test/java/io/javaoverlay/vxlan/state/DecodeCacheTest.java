package io.javaoverlay.vxlan.state;

import io.javaoverlay.kvstore.KvEntry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class DecodeCacheTest {
    private final DecodeCache<EndpointRecord> cache = new DecodeCache<>(EndpointRecord.class);

    private static KvEntry entry(EndpointRecord r, long index) {
        return new KvEntry(NetworkKeys.endpoint(r.networkId(), r.endpointId()), NetworkKeys.encode(r), index);
    }

    @Test
    void unchangedBytesAreNotDecodedAgain() {
        EndpointRecord a = OverlayStoreContract.ep("e1", "host-a", "02:00:00:00:00:01", "10.0.0.1/24", null, 1);
        EndpointRecord b = OverlayStoreContract.ep("e2", "host-b", "02:00:00:00:00:02", "10.0.0.2/24", null, 2);
        List<EndpointRecord> first = cache.decode("n1", List.of(entry(a, 5), entry(b, 6)));
        assertEquals(List.of(a, b), first);
        List<EndpointRecord> second = cache.decode("n1", List.of(entry(a, 5), entry(b, 6)));
        assertSame(first.get(0), second.get(0));
        assertSame(first.get(1), second.get(1));
    }

    @Test
    void changedBytesAreDecodedEvenUnderTheSameIndex() {
        EndpointRecord a = OverlayStoreContract.ep("e1", "host-a", "02:00:00:00:00:01", "10.0.0.1/24", null, 1);
        EndpointRecord moved = OverlayStoreContract.ep("e1", "host-b", "02:00:00:00:00:01", "10.0.0.1/24", null, 1);
        cache.decode("n1", List.of(entry(a, 5)));
        // A wiped and refilled store (or another Consul) can give other bytes the same modify index.
        List<EndpointRecord> now = cache.decode("n1", List.of(entry(moved, 5)));
        assertEquals(List.of(moved), now);
    }

    @Test
    void aRemovedKeyIsForgottenAndAnEmptyListingForgetsTheGroup() {
        EndpointRecord a = OverlayStoreContract.ep("e1", "host-a", "02:00:00:00:00:01", "10.0.0.1/24", null, 1);
        EndpointRecord b = OverlayStoreContract.ep("e2", "host-b", "02:00:00:00:00:02", "10.0.0.2/24", null, 2);
        List<EndpointRecord> first = cache.decode("n1", List.of(entry(a, 5), entry(b, 6)));
        assertEquals(List.of(b), cache.decode("n1", List.of(entry(b, 6))));
        // a is back: decoded afresh, not served from a stale entry
        List<EndpointRecord> back = cache.decode("n1", List.of(entry(a, 9), entry(b, 6)));
        assertNotSame(first.get(0), back.get(0));
        assertEquals(a, back.get(0));
        assertEquals(1, cache.groups());
        assertEquals(List.of(), cache.decode("n1", List.of()));
        assertEquals(0, cache.groups());
    }

    @Test
    void aCorruptRecordIsLeftOutAndTheOthersRead() {
        EndpointRecord b = OverlayStoreContract.ep("e2", "host-b", "02:00:00:00:00:02", "10.0.0.2/24", null, 2);
        KvEntry bad = new KvEntry(NetworkKeys.endpoint("n1", "e1"), "{not json".getBytes(StandardCharsets.UTF_8), 4);
        assertEquals(List.of(b), cache.decode("n1", List.of(bad, entry(b, 6))));
        assertEquals(List.of(b), cache.decode("n1", List.of(bad, entry(b, 6))));
    }
}
