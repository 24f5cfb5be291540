package io.javaoverlay.vxlan.state;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.local.LocalKvStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The {@link OverlayStoreContract} on the embedded file store single-host installs use. */
class OverlayStoreLocalTest extends OverlayStoreContract {
    @TempDir
    Path dir;

    @Override
    protected KvStore createStore() throws Exception {
        return LocalKvStore.open(dir.resolve("store"));
    }
}
