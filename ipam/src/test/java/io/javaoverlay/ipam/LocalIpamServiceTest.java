package io.javaoverlay.ipam;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.local.LocalKvStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The whole ipam contract on the embedded file-backed store, with two store instances on one directory. */
class LocalIpamServiceTest extends IpamAllocationContract {

    @TempDir
    Path dir;

    @Override
    protected KvStore openClient() throws Exception {
        return LocalKvStore.open(dir);
    }
}
