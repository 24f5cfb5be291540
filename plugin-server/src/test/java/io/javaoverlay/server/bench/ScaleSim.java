package io.javaoverlay.server.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.kvstore.KvEntry;
import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStores;
import io.javaoverlay.server.cluster.ClusterKeys;
import io.javaoverlay.server.cluster.HostRecord;
import io.javaoverlay.server.testing.UdsHttpClient;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import io.javaoverlay.types.IpAddress;
import io.javaoverlay.types.IpPrefix;
import io.javaoverlay.types.MacAddress;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;


/**
 * The plugin's side of a large cluster without dockerds (issue 14, "Scale"): one real daemon, and
 * {@code HOSTS - 1} simulated hosts that exist only as store records, as their daemons would write them:
 * a heartbeat record {@code hosts/<id>} rewritten every second, and {@code PER_HOST} endpoint records
 * each on one shared network. The daemon itself gets {@code LOCAL} endpoints over its plugin socket
 * (RequestAddress + CreateEndpoint + Join), so the network has ports here and every remote endpoint is
 * programmed into its kernel.
 *
 * <p>After all remote endpoints are programmed ({@code javaoverlay_peers_programmed}) it measures a
 * steady window of {@code SECONDS} during which one simulated endpoint is added and one removed every
 * second (containers starting and stopping elsewhere), and prints, from the daemon's own metrics on its
 * admin socket: reconcile passes and their mean (wall) time, and store operations per second and per pass,
 * and from /proc the daemon's CPU time per second of the window (all its work, heartbeats included).
 * The daemon's store traffic is counted in operations (its {@code MeteredKvStore}); the size of what a
 * list returns is printed separately (records and bytes of the network's endpoint list and of
 * {@code hosts/}). Timings are reported, never asserted.
 *
 * <p>Usage: {@code ScaleSim --socket PATH --admin PATH --store URI --hosts N [--per-host 20] --pid PID
 * [--local 10] [--seconds 20]}; {@code bench/scale-sim.sh} starts a daemon per N and runs this.
 */
public final class ScaleSim {
    private static final String NID = "5ca1e00000000000000000000000000000000000000000000000000000000014";
    private static final String POOL = "198.19.0.0/16";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path admin;
    private final long pid;
    private final PluginConnection plugin;

    private ScaleSim(Path socket, Path admin, long pid) {
        this.plugin = new PluginConnection(socket);
        this.admin = admin;
        this.pid = pid;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("--per-host", "20", "--local", "10", "--seconds", "20"));
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i], argv[i + 1]);
        }
        for (String required : List.of("--socket", "--admin", "--store", "--hosts", "--pid")) {
            if (!a.containsKey(required)) {
                System.err.println("usage: ScaleSim --socket PATH --admin PATH --store URI --hosts N --pid PID [--per-host M]"
                        + " [--local L] [--seconds S]");
                System.exit(2);
            }
        }
        ScaleSim sim = new ScaleSim(Path.of(a.get("--socket")), Path.of(a.get("--admin")), Long.parseLong(a.get("--pid")));
        try (KvStore store = KvStores.open(a.get("--store"))) {
            sim.run(store, Integer.parseInt(a.get("--hosts")), Integer.parseInt(a.get("--per-host")),
                    Integer.parseInt(a.get("--local")), Integer.parseInt(a.get("--seconds")));
        }
        System.exit(0);
    }

    private void run(KvStore store, int hosts, int perHost, int local, int seconds) throws Exception {
        String poolId = waitForServices();
        String gateway = field(plugin.ok("/IpamDriver.RequestAddress", "{\"PoolID\":\"" + poolId
                + "\",\"Address\":\"\",\"Options\":{\"RequestAddressType\":\"com.docker.network.gateway\"}}\n"), "Address");
        plugin.ok("/NetworkDriver.CreateNetwork", "{\"NetworkID\":\"" + NID + "\",\"Options\":{\"com.docker.network.enable_ipv6\":false,"
                + "\"com.docker.network.generic\":{}},\"IPv4Data\":[{\"AddressSpace\":\"JavaOverlayLocal\",\"Gateway\":\""
                + gateway + "\",\"Pool\":\"" + POOL + "\"}],\"IPv6Data\":[]}\n");
        for (int i = 0; i < local; i++) {
            String eid = eid(0, i); // host 0 is the daemon; veth names come from the ID's start
            String addr = field(plugin.ok("/IpamDriver.RequestAddress", "{\"PoolID\":\"" + poolId + "\",\"Address\":\"\",\"Options\":null}\n"),
                    "Address");
            plugin.ok("/NetworkDriver.CreateEndpoint", "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + eid
                    + "\",\"Interface\":{\"Address\":\"" + addr + "\",\"AddressIPv6\":\"\",\"MacAddress\":\"\"},\"Options\":{}}\n");
            plugin.ok("/NetworkDriver.Join", "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + eid
                    + "\",\"SandboxKey\":\"/var/run/docker/netns/" + eid.substring(52) + "\",\"Options\":{}}\n");
        }

        // The simulated hosts: heartbeats from now on (every second, as their daemons would), then their endpoints.
        List<HostRecord> sims = new ArrayList<>();
        for (int h = 1; h < hosts; h++) {
            sims.add(new HostRecord(simHost(h), vtep(h).toString(), "sim-" + h, "sim", System.currentTimeMillis(), 0));
        }
        ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
        AtomicLong beat = new AtomicLong();
        beats.scheduleAtFixedRate(() -> {
            long b = beat.incrementAndGet();
            for (HostRecord r : sims) {
                try {
                    store.put(ClusterKeys.host(r.hostId()), JSON.writeValueAsBytes(r.withBeat(b)));
                } catch (Exception e) {
                    System.err.println("heartbeat of " + r.hostId() + " failed: " + e);
                }
            }
        }, 0, 1, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        int remote = (hosts - 1) * perHost;
        for (int h = 1; h < hosts; h++) {
            for (int e = 0; e < perHost; e++) {
                putEndpoint(store, h, e);
            }
        }
        long written = System.nanoTime();
        while (metric("javaoverlay_peers_programmed") < remote) {
            if (System.nanoTime() - t0 > 180_000_000_000L) {
                throw new IllegalStateException("only " + metric("javaoverlay_peers_programmed") + " of " + remote
                        + " remote endpoints programmed after 180 s");
            }
            Thread.sleep(50);
        }
        long converged = System.nanoTime();
        Thread.sleep(3000);

        // Steady window with churn: one endpoint added and one removed per second somewhere in the cluster.
        Map<String, Double> before = metrics();
        long cpu0 = cpuMillis();
        long w0 = System.nanoTime();
        for (int s = 0; s < seconds; s++) {
            int h = 1 + s % (hosts - 1);
            putEndpoint(store, h, perHost + s);               // a container starts on host h ...
            store.delete(NetworkKeys.endpoint(NID, eid(h, s / (hosts - 1) % perHost))); // ... and one of its first ones stops
            Thread.sleep(1000);
        }
        double window = (System.nanoTime() - w0) / 1e9;
        long cpu = cpuMillis() - cpu0;
        Map<String, Double> after = metrics();
        beats.shutdownNow();

        double passes = delta(before, after, "javaoverlay_reconcile_pass_duration_seconds_count");
        double passSeconds = delta(before, after, "javaoverlay_reconcile_pass_duration_seconds_sum");
        Map<String, Double> ops = new TreeMap<>();
        after.forEach((k, v) -> {
            if (k.startsWith("javaoverlay_store_operations_total{")) {
                String op = k.replaceAll(".*op=\"([^\"]*)\".*", "$1");
                ops.merge(op, v - before.getOrDefault(k, 0.0), Double::sum);
            }
        });
        double allOps = ops.values().stream().mapToDouble(Double::doubleValue).sum();
        List<KvEntry> eps = store.list(NetworkKeys.endpointsOf(NID));
        List<KvEntry> hs = store.list(ClusterKeys.HOSTS);
        long epBytes = eps.stream().mapToLong(e -> e.value().length).sum();
        long hostBytes = hs.stream().mapToLong(e -> e.value().length).sum();

        System.out.printf(Locale.ROOT, "| %d | %d | %d | %.0f | %d | %.1f | %.2f | %.0f | %.1f | %.1f | %s | %d / %.0f kB | %d / %.1f kB |%n",
                hosts, remote + local, remote, (converged - written) / 1e6, (int) passes, passes / window,
                passes == 0 ? 0 : passSeconds / passes * 1000, cpu / window, allOps / window, passes == 0 ? 0 : allOps / passes,
                opsText(ops, window), eps.size(), epBytes / 1024.0, hs.size(), hostBytes / 1024.0);
    }

    private static String opsText(Map<String, Double> ops, double window) {
        StringBuilder b = new StringBuilder();
        ops.forEach((op, n) -> {
            if (n > 0) {
                b.append(b.length() == 0 ? "" : ", ").append(op).append(' ').append(String.format(Locale.ROOT, "%.1f", n / window));
            }
        });
        return b.toString();
    }

    private static String simHost(int h) {
        return String.format(Locale.ROOT, "sim-h%03d", h);
    }

    /** Simulated VTEPs in 198.18.201.0/24 and 198.18.202.0/24; nothing answers there (no probe is due while they beat). */
    private static IpAddress vtep(int h) {
        return IpAddress.parse("198.18." + (201 + h / 250) + "." + (1 + h % 250));
    }

    private static String eid(int h, int e) {
        return String.format(Locale.ROOT, "%08x%056d", (h * 100_003L + e) * 2654435761L & 0xffffffffL, h * 100_000L + e);
    }

    /** Host h's e-th endpoint: addresses 198.19.h.e+10 (below .10 and host 0 belong to the daemon's IPAM). */
    private static void putEndpoint(KvStore store, int h, int e) throws Exception {
        int hi = 128 + h / 2;
        int lo = (h % 2) * 128 + 10 + e % 110;
        String ip = "198.19." + hi + "." + lo;
        String mac = String.format(Locale.ROOT, "02:42:c6:13:%02x:%02x", hi, lo);
        EndpointRecord rec = new EndpointRecord(NID, eid(h, e), simHost(h), vtep(h), MacAddress.parse(mac),
                IpPrefix.parse(ip + "/16"), null);
        store.put(NetworkKeys.endpoint(NID, eid(h, e)), NetworkKeys.encode(rec));
    }

    /** The daemon's CPU time so far (user + system, all threads), from /proc: independent of the machine's load. */
    private long cpuMillis() throws IOException {
        String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime, stime in ticks of 10 ms (USER_HZ 100)
    }

    private static double delta(Map<String, Double> a, Map<String, Double> b, String name) {
        return b.getOrDefault(name, 0.0) - a.getOrDefault(name, 0.0);
    }

    private double metric(String name) throws IOException {
        return metrics().getOrDefault(name, 0.0);
    }

    /** The daemon's Prometheus text from its admin socket, one value per series. */
    private Map<String, Double> metrics() throws IOException {
        try (UdsHttpClient c = new UdsHttpClient(admin)) {
            Response r = c.exchange("GET /metrics HTTP/1.1\r\nHost: admin\r\nConnection: close\r\n\r\n");
            Map<String, Double> m = new HashMap<>();
            for (String line : r.body().split("\n")) {
                int sp = line.lastIndexOf(' ');
                if (line.startsWith("javaoverlay_") && sp > 0) {
                    m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
                }
            }
            return m;
        }
    }

    private String waitForServices() throws Exception {
        long t0 = System.nanoTime();
        String body = "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"" + POOL + "\",\"SubPool\":\"198.19.0.0/24\","
                + "\"Options\":{},\"V6\":false}\n";
        Response r;
        while ((r = plugin.post("/IpamDriver.RequestPool", body)).status() != 200) {
            if (System.nanoTime() - t0 > 120_000_000_000L) {
                throw new IllegalStateException("the daemon's services did not start within 120 s: " + r.body());
            }
            Thread.sleep(100);
        }
        return field(r.body(), "PoolID");
    }


    private static String field(String json, String name) {
        String v = json.replaceAll(".*\"" + name + "\":\"([^\"]*)\".*", "$1");
        if (v.equals(json)) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return v;
    }
}
