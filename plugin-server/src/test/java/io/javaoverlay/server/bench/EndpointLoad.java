package io.javaoverlay.server.bench;

import io.javaoverlay.kvstore.KvStore;
import io.javaoverlay.kvstore.KvStores;
import io.javaoverlay.server.testing.UdsHttpClient.Response;
import io.javaoverlay.vxlan.state.EndpointRecord;
import io.javaoverlay.vxlan.state.NetworkKeys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


/**
 * Endpoint load on one host, for the daemon's memory and per-operation cost (issue 14): drives a
 * running daemon's plugin socket the way dockerd does (RequestPool, the gateway, CreateNetwork, then
 * per container RequestAddress + CreateEndpoint + Join on one keep-alive connection) and, interleaved
 * with them, writes remote endpoints straight into the store as other hosts' daemons would
 * ({@code endpoints/<nid>/<eid>}, another host ID and VTEP). Samples the daemon's RSS and thread
 * count from {@code /proc/PID/status} as it goes and prints, per operation, the latency of the first
 * and the last 100. Run by {@code bench/endpoint-load.sh}, which sets up the namespaces and the daemon.
 *
 * <p>Usage: {@code EndpointLoad --socket PATH --store URI --pid PID [--local 500] [--remote 500]
 * [--remote-vtep 198.18.200.2] [--pool 198.19.0.0/20] [--settle-seconds 10]}. Remote endpoints take
 * addresses from the top of the pool, local ones get theirs from IPAM (from the bottom).
 */
public final class EndpointLoad {
    private static final String NID = "e14bench0000000000000000000000000000000000000000000000000000000";
    private static final int WINDOW = 100;

    private final long pid;
    private final Map<String, List<Long>> latencies = new LinkedHashMap<>();
    private final List<String> samples = new ArrayList<>();
    private final PluginConnection plugin;

    private EndpointLoad(Path socket, long pid) {
        this.plugin = new PluginConnection(socket);
        this.pid = pid;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("--local", "500", "--remote", "500", "--remote-vtep", "198.18.200.2",
                "--pool", "198.19.0.0/20", "--settle-seconds", "10"));
        for (int i = 0; i + 1 < argv.length; i += 2) {
            a.put(argv[i], argv[i + 1]);
        }
        for (String required : List.of("--socket", "--store", "--pid")) {
            if (!a.containsKey(required)) {
                System.err.println("usage: EndpointLoad --socket PATH --store URI --pid PID [--local N] [--remote N]"
                        + " [--remote-vtep IP] [--pool CIDR] [--settle-seconds S]");
                System.exit(2);
            }
        }
        EndpointLoad load = new EndpointLoad(Path.of(a.get("--socket")), Long.parseLong(a.get("--pid")));
        try (KvStore store = KvStores.open(a.get("--store"))) {
            load.run(store, Integer.parseInt(a.get("--local")), Integer.parseInt(a.get("--remote")), a.get("--remote-vtep"),
                    a.get("--pool"), Integer.parseInt(a.get("--settle-seconds")));
        }
        System.exit(0);
    }

    private void run(KvStore store, int local, int remote, String remoteVtep, String pool, int settleSeconds) throws Exception {
        sample("daemon started, services not yet up");
        long t0 = System.nanoTime();
        String poolBody = "{\"AddressSpace\":\"JavaOverlayLocal\",\"Pool\":\"" + pool + "\",\"SubPool\":\"\",\"Options\":{},\"V6\":false}\n";
        Response r;
        while ((r = plugin.post("/IpamDriver.RequestPool", poolBody)).status() != 200) {
            if (System.nanoTime() - t0 > 120_000_000_000L) {
                throw new IllegalStateException("the daemon's services did not start within 120 s: " + r.body());
            }
            Thread.sleep(100);
        }
        String poolId = field(r.body(), "PoolID");
        String prefixLen = pool.substring(pool.indexOf('/'));
        String gateway = field(plugin.ok("/IpamDriver.RequestAddress", "{\"PoolID\":\"" + poolId
                + "\",\"Address\":\"\",\"Options\":{\"RequestAddressType\":\"com.docker.network.gateway\"}}\n"), "Address");
        sample("services up, no network (idle)");
        plugin.ok("/NetworkDriver.CreateNetwork", "{\"NetworkID\":\"" + NID + "\",\"Options\":{\"com.docker.network.enable_ipv6\":false,"
                + "\"com.docker.network.generic\":{}},\"IPv4Data\":[{\"AddressSpace\":\"JavaOverlayLocal\",\"Gateway\":\""
                + gateway + "\",\"Pool\":\"" + pool + "\"}],\"IPv6Data\":[]}\n");
        sample("network created, 0 endpoints");
        long top = ipv4(pool.substring(0, pool.indexOf('/'))) + (1L << (32 - Integer.parseInt(prefixLen.substring(1)))) - 2;
        int done = 0;
        for (int i = 0; i < Math.max(local, remote); i++) {
            if (i < local) {
                String eid = endpointId(2L * i);
                String addr = field(timed("RequestAddress", "/IpamDriver.RequestAddress",
                        "{\"PoolID\":\"" + poolId + "\",\"Address\":\"\",\"Options\":null}\n"), "Address");
                timed("CreateEndpoint", "/NetworkDriver.CreateEndpoint", "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + eid
                        + "\",\"Interface\":{\"Address\":\"" + addr + "\",\"AddressIPv6\":\"\",\"MacAddress\":\"\"},\"Options\":{}}\n");
                timed("Join", "/NetworkDriver.Join", "{\"NetworkID\":\"" + NID + "\",\"EndpointID\":\"" + eid
                        + "\",\"SandboxKey\":\"/var/run/docker/netns/" + eid.substring(0, 12) + "\",\"Options\":{}}\n");
                done++;
                sampleEvery(done);
            }
            if (i < remote) {
                String eid = endpointId(2L * i + 1);
                long ip = top - i;
                String mac = String.format(Locale.ROOT, "02:42:%02x:%02x:%02x:%02x", ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255);
                EndpointRecord rec = new EndpointRecord(NID, eid, "bench-h2", io.javaoverlay.types.IpAddress.parse(remoteVtep),
                        io.javaoverlay.types.MacAddress.parse(mac), io.javaoverlay.types.IpPrefix.parse(dotted(ip) + prefixLen), null);
                long s = System.nanoTime();
                store.put(NetworkKeys.endpoint(NID, eid), NetworkKeys.encode(rec));
                latencies.computeIfAbsent("remote endpoint store write", k -> new ArrayList<>()).add(System.nanoTime() - s);
                done++;
                sampleEvery(done);
            }
        }
        sample("after " + done + " endpoints");
        Thread.sleep(settleSeconds * 1000L);
        sample("after " + done + " endpoints + " + settleSeconds + " s idle");
        report(local, remote);
    }

    private void sampleEvery(int done) throws IOException {
        if (done % 200 == 0) {
            sample(done + " endpoints");
        }
    }

    private String timed(String op, String path, String body) throws IOException {
        long s = System.nanoTime();
        String answer = plugin.ok(path, body);
        latencies.computeIfAbsent(op, k -> new ArrayList<>()).add(System.nanoTime() - s);
        return answer;
    }


    private void sample(String label) throws IOException {
        Map<String, Long> st = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.matches("(VmRSS|RssAnon|RssFile|Threads):.*")) {
                st.put(line.substring(0, colon), Long.parseLong(line.replaceAll("\\D", "")));
            }
        }
        String s = String.format(Locale.ROOT, "| %-40s | %6.1f | %6.1f | %6.1f | %4d |", label, st.get("VmRSS") / 1024.0,
                st.get("RssAnon") / 1024.0, st.get("RssFile") / 1024.0, st.get("Threads"));
        samples.add(s);
        System.err.println(s);
    }

    private void report(int local, int remote) {
        System.out.println("Daemon PID " + pid + ": " + local + " local endpoints (RequestAddress + CreateEndpoint + Join), "
                + remote + " remote endpoints (store writes), interleaved.\n");
        System.out.println("| point | RSS MiB | anonymous | file-backed | threads |\n|---|---:|---:|---:|---:|");
        samples.forEach(System.out::println);
        System.out.println("\n| operation | n | first " + WINDOW + ": median / p90 / max ms | last " + WINDOW
                + ": median / p90 / max ms | last/first median |\n|---|---:|---|---|---:|");
        latencies.forEach((op, l) -> {
            int n = Math.min(WINDOW, l.size());
            long[] first = stats(l.subList(0, n));
            long[] last = stats(l.subList(l.size() - n, l.size()));
            System.out.printf(Locale.ROOT, "| %s | %d | %.2f / %.2f / %.2f | %.2f / %.2f / %.2f | %.2f |%n", op, l.size(),
                    first[0] / 1e6, first[1] / 1e6, first[2] / 1e6, last[0] / 1e6, last[1] / 1e6, last[2] / 1e6,
                    (double) last[0] / first[0]);
        });
    }

    /** Median, p90, max. */
    private static long[] stats(List<Long> l) {
        long[] v = l.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(v);
        return new long[] {v[v.length / 2], v[Math.min(v.length - 1, (int) Math.ceil(v.length * 0.9) - 1)], v[v.length - 1]};
    }

    /** Docker's IDs are random hex and the daemon names veths after their start: spread them the same way. */
    private static String endpointId(long n) {
        return String.format(Locale.ROOT, "%08x%056d", (n * 2654435761L) & 0xffffffffL, n);
    }

    private static String field(String json, String name) {
        String v = json.replaceAll(".*\"" + name + "\":\"([^\"]*)\".*", "$1");
        if (v.equals(json)) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return v;
    }

    private static long ipv4(String dotted) {
        long v = 0;
        for (String p : dotted.split("\\.")) {
            v = (v << 8) | Integer.parseInt(p);
        }
        return v;
    }

    private static String dotted(long ip) {
        return (ip >>> 24) + "." + ((ip >>> 16) & 255) + "." + ((ip >>> 8) & 255) + "." + (ip & 255);
    }
}
