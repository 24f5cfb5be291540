package io.javaoverlay.vxlan.state;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.testing.InMemoryKvStore;

/** The {@link OverlayStoreContract} on the in-memory store (itself held to the kvstore contract). */
class OverlayStoreInMemoryTest extends OverlayStoreContract {
    @Override
    protected KvStore createStore() {
        return new InMemoryKvStore();
    }
}
