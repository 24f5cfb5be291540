package io.javaoverlay.ipam;

import io.javaoverlay.ipam.IpamService.PoolGrant;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.consul.ConsulAgentExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two separate JVM processes ({@link IpamAllocWorker}), each with several threads, allocate from
 * one pool through one real Consul: every address is distinct, releases from either process
 * and from this one empty the pool, and the pool's deletion leaves nothing behind.
 */
@Tag("consul")
class ConsulMultiProcessIT extends IpamServiceContract {

    private static final int THREADS = 3;
    private static final int PER_THREAD = 25;
    @RegisterExtension
    static final ConsulAgentExtension CONSUL = new ConsulAgentExtension();
    private final String prefix = ConsulAgentExtension.uniquePrefix("jo-ipam-mp");

    @Override
    protected KvStore openClient() throws Exception {
        return CONSUL.openStore(prefix);
    }

    @Test
    void twoProcessesAllocateDistinctAddressesFromOnePool() throws Exception {
        KvIpamService parent = host("parent", 0);
        PoolGrant p = pool(parent, "198.18.0.0/24", "mp");
        String g = gw(parent, p.poolId(), null);
        List<Process> procs = new ArrayList<>();
        for (String h : List.of("proc-1", "proc-2")) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            procs.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    IpamAllocWorker.class.getName(), CONSUL.agent().httpAddress().toString(), prefix, p.poolId(), h,
                    String.valueOf(THREADS), String.valueOf(PER_THREAD))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        List<String> all = new ArrayList<>();
        Set<String> released = new HashSet<>();
        for (Process proc : procs) {
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            }
            assertTrue(proc.waitFor(180, TimeUnit.SECONDS), "worker did not finish");
            assertEquals(0, proc.exitValue(), "worker failed: " + lines);
            assertTrue(lines.get(lines.size() - 1).startsWith("DONE"), lines.toString());
            System.out.println("worker " + lines.get(lines.size() - 1));
            for (String l : lines) {
                if (l.startsWith("ADDR ")) {
                    all.add(l.substring(5));
                } else if (l.startsWith("RELEASED ")) {
                    released.add(l.substring(9));
                }
            }
        }
        int n = 2 * THREADS * PER_THREAD;
        assertEquals(n, all.size());
        assertEquals(n, new HashSet<>(all).size(), "duplicate addresses across processes: " + all);
        assertTrue(!all.contains(g), "the gateway was handed out");
        assertEquals(n - released.size() + 1, addressKeys(p.poolId()).size());
        for (String a : all) {
            if (!released.contains(a)) {
                parent.releaseAddress(p.poolId(), host(a));
            }
        }
        assertEquals(1, addressKeys(p.poolId()).size(), "only the gateway is left");
        parent.releaseAddress(p.poolId(), host(g));
        assertEquals(0, addressKeys(p.poolId()).size(), "pool empty again");
        parent.releasePool(p.poolId());
        assertStoreEmpty();
    }
}
