package io.javaoverlay.vxlan;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.local.LocalKvStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The service tests again, on the embedded file-backed store that single-host installs use. */
class VxlanNetworkServiceLocalStoreTest extends VxlanNetworkServiceTest {
    @TempDir
    Path dir;

    @Override
    protected KvStore newStore() throws Exception {
        return LocalKvStore.open(dir.resolve("store"));
    }
}
