package io.javaoverlay.ipam;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.local.LocalKvStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The whole ipam contract on the embedded file-backed store, with two store instances on one directory. */
class LocalIpamServiceTest extends IpamAllocationContract {

    @TempDir
    Path dir;
    private final KvStore[] clients = new KvStore[2];

    @BeforeEach
    void open() throws Exception {
        clients[0] = LocalKvStore.open(dir);
        clients[1] = LocalKvStore.open(dir);
    }

    @AfterEach
    void close() {
        for (KvStore c : clients) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Override
    protected KvStore client(int i) {
        return clients[i];
    }
}
