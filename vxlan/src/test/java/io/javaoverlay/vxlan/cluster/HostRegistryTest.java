package io.javaoverlay.vxlan.cluster;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.local.LocalKvStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Membership through leased {@code hosts/} keys, on the embedded store. */
class HostRegistryTest {
    @TempDir
    Path dir;

    static void awaitHosts(KvStore store, Set<String> want) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!HostRegistry.liveHosts(store).keySet().equals(want)) {
            if (System.nanoTime() > deadline) {
                assertEquals(want, HostRegistry.liveHosts(store).keySet());
            }
            Thread.sleep(20);
        }
    }

    @Test
    void hostsRegisterAndACleanShutdownLeavesAtOnce() throws Exception {
        try (KvStore store = LocalKvStore.open(dir.resolve("s"))) {
            HostRegistry a = new HostRegistry(store, new HostRecord("h1", "198.18.0.11", "jo-h1", 1), HostRegistry.DEFAULT_TTL);
            HostRegistry b = new HostRegistry(store, new HostRecord("h2", "198.18.0.12", "jo-h2", 2), HostRegistry.DEFAULT_TTL);
            a.start();
            b.start();
            awaitHosts(store, Set.of("h1", "h2"));
            assertEquals(new HostRecord("h2", "198.18.0.12", "jo-h2", 2), a.liveHosts().get("h2"));
            b.close();
            awaitHosts(store, Set.of("h1"));
            HostRegistry again = new HostRegistry(store, new HostRecord("h2", "198.18.0.12", "jo-h2", 3), HostRegistry.DEFAULT_TTL);
            again.start(); // a restarted plugin registers again
            awaitHosts(store, Set.of("h1", "h2"));
            a.close();
            again.close();
            awaitHosts(store, Set.of());
        }
    }
}
