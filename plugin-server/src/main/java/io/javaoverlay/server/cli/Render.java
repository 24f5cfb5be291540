package io.javaoverlay.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The admin API's JSON as text for people. Works on JSON trees, not on the server's record types,
 * so a CLI talks to a daemon of another version: unknown fields are ignored, missing ones print as
 * {@code -}.
 */
final class Render {
    private Render() {
    }

    /** {@code javaoverlay status}. */
    static String status(JsonNode s) {
        StringBuilder sb = new StringBuilder();
        JsonNode host = s.path("host");
        JsonNode health = s.path("health");
        boolean healthy = health.path("healthy").asBoolean(false);
        sb.append("javaoverlay ").append(text(host, "version")).append(" on host ").append(text(host, "hostId"))
          .append(": ").append(healthy ? "healthy" : health.path("starting").asBoolean(false) ? "STARTING" : "DEGRADED")
          .append('\n');
        for (JsonNode r : health.path("reasons")) {
            sb.append("  - ").append(r.asText()).append('\n');
        }
        sb.append("\nTHIS HOST\n");
        JsonNode store = host.path("storeHealth");
        String storeLine = text(host, "store") + "  " + (store.path("reachable").asBoolean(false)
                ? "reachable, read in " + ms(store.path("latencyMs").asDouble())
                : health.path("starting").asBoolean(false) ? text(store, "error") : "UNREACHABLE: " + text(store, "error"));
        Table t = new Table("KEY", "VALUE")
                .row("host ID", text(host, "hostId"))
                .row("VTEP", text(host, "vtep") + (host.hasNonNull("underlayDevice") ? " on " + text(host, "underlayDevice")
                        + " (MTU " + text(host, "underlayMtu") + ", containers " + text(host, "containerMtu") + ")" : ""))
                .row("version", text(host, "version"))
                .row("uptime", age(host.path("uptimeSeconds").asDouble()) + " (since " + text(host, "startedAt") + ")")
                .row("scope", text(host, "scope"))
                .row("store", storeLine)
                .row("services", text(host, "services"));
        JsonNode names = host.path("names");
        if (names.isObject()) {
            List<String> parts = new ArrayList<>();
            if (names.has("publishedNames")) {
                parts.add("DNS " + (names.path("dnsServing").asBoolean(false) ? "serving" : "NOT SERVING") + ", "
                        + names.path("publishedNames").asInt() + " local names, " + names.path("clusterNames").asInt()
                        + " in the cluster; queries " + names.path("dnsQueries").asLong() + " (answered "
                        + names.path("dnsAnswered").asLong() + ", forwarded " + names.path("dnsForwarded").asLong()
                        + ", rate-limited " + names.path("dnsRateLimited").asLong() + ", dropped "
                        + names.path("dnsDropped").asLong() + ")");
            }
            if (names.has("services")) {
                parts.add(names.path("services").asInt() + " services registered in Consul");
            }
            t.row("names", String.join("; ", parts));
        }
        sb.append(withoutHeader(t));
        // The running configuration, wrapped at ~100 columns under its label.
        StringBuilder line = new StringBuilder("config   ");
        Iterator<Map.Entry<String, JsonNode>> it = host.path("config").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String item = " --" + e.getKey() + "=" + e.getValue().asText();
            if (line.length() + item.length() > 100 && line.length() > 9) {
                sb.append(line).append('\n');
                line = new StringBuilder("         ");
            }
            line.append(item);
        }
        sb.append(line).append('\n');
        sb.append("\nHOSTS\n").append(hosts(s.path("hosts")));
        sb.append("\nNETWORKS\n").append(networks(s.path("networks")));
        sb.append("\nDRIFT ON THIS HOST (store vs kernel)\n");
        Table d = new Table("NETWORK", "VNI", "FDB WANT/HAVE", "NEIGH WANT/HAVE", "DRIFT", "LAST PASS", "RESULT");
        for (JsonNode n : s.path("drift")) {
            int drift = n.path("missingFdb").asInt() + n.path("extraFdb").asInt() + n.path("missingNeigh").asInt()
                    + n.path("extraNeigh").asInt();
            JsonNode last = n.path("lastPass");
            String result = last.isMissingNode() ? "-" : last.path("converged").asBoolean()
                    ? "converged (" + last.path("applied").asLong() + " applied)"
                    : last.hasNonNull("abortedBy") ? "aborted: " + last.path("abortedBy").asText()
                    : "FAILED (" + last.path("failed").asInt() + " of " + last.path("planned").asInt() + ")";
            d.row(name(n), n.path("vni").asInt(), n.path("desiredFdb").asInt() + "/" + n.path("actualFdb").asInt(),
                    n.path("desiredNeigh").asInt() + "/" + n.path("actualNeigh").asInt(),
                    n.hasNonNull("error") ? "ERROR: " + n.path("error").asText() : String.valueOf(drift),
                    last.isMissingNode() ? "-" : text(last, "at") + " (" + ms(last.path("durationMs").asDouble()) + ")",
                    result);
        }
        sb.append(d.isEmpty() ? "(no network with endpoints on this host)\n" : d.render());
        sb.append("\nRECENT ERRORS\n");
        Table e = new Table("TIME", "LEVEL", "SOURCE", "MESSAGE");
        for (JsonNode x : s.path("errors")) {
            e.row(text(x, "at"), text(x, "level"), text(x, "source"), text(x, "message"));
        }
        sb.append(e.isEmpty() ? "(none)\n" : e.render());
        return sb.toString();
    }

    /** {@code javaoverlay host ls}, and the hosts section of status. */
    static String hosts(JsonNode hosts) {
        Table t = new Table("HOST", "STATE", "VTEP", "HOSTNAME", "LAST BEAT", "SINCE", "ENDPOINTS");
        for (JsonNode h : hosts) {
            t.row(text(h, "hostId") + (h.path("self").asBoolean(false) ? " (this host)" : ""), text(h, "state"),
                    text(h, "vtep"), text(h, "hostname"),
                    h.hasNonNull("lastBeatAgeSeconds") ? age(h.path("lastBeatAgeSeconds").asDouble()) + " ago" : "-",
                    text(h, "since"), h.path("endpoints").asInt());
        }
        return t.isEmpty() ? "(no hosts known)\n" : t.render();
    }

    /** {@code javaoverlay network ls}, and the networks section of status. */
    static String networks(JsonNode networks) {
        Table t = new Table("NAME", "CLUSTER ID", "VNI", "SUBNETS", "MTU", "ENDPOINTS", "HOSTS");
        for (JsonNode n : networks) {
            t.row(text(n, "name"), shortId(text(n, "clusterId")), n.path("vni").asInt(), join(n.path("subnets")),
                    n.hasNonNull("mtu") ? n.path("mtu").asText() : "auto", n.path("endpoints").asInt(), join(n.path("hosts")));
        }
        return t.isEmpty() ? "(no networks)\n" : t.render();
    }

    /** {@code javaoverlay network inspect}. */
    static String network(JsonNode d) {
        JsonNode n = d.path("network");
        StringBuilder sb = new StringBuilder();
        sb.append(withoutHeader(new Table("KEY", "VALUE")
                .row("name", text(n, "name"))
                .row("cluster ID", text(n, "clusterId"))
                .row("Docker IDs here", join(n.path("localIds")))
                .row("VNI", n.path("vni").asInt())
                .row("subnets", join(n.path("subnets")))
                .row("MTU", n.hasNonNull("mtu") ? n.path("mtu").asText() : "auto (each host's underlay)")
                .row("hosts", join(n.path("hosts")))));
        sb.append("\nENDPOINTS\n");
        Table t = new Table("HOST", "CONTAINER", "IPV4", "IPV6", "MAC", "ENDPOINT");
        for (JsonNode e : d.path("endpoints")) {
            t.row(text(e, "hostId"), text(e, "container"), text(e, "ipv4"), text(e, "ipv6"), text(e, "mac"),
                    shortId(text(e, "endpointId")));
        }
        sb.append(t.isEmpty() ? "(no endpoints)\n" : t.render());
        return sb.toString();
    }

    /** {@code javaoverlay ipam ls}. */
    static String pools(JsonNode pools) {
        Table t = new Table("POOL", "NETWORK", "GATEWAY", "USED", "FREE", "CAPACITY", "HOLDERS", "POOL ID");
        for (JsonNode p : pools.path("pools")) {
            List<String> holders = new ArrayList<>();
            p.path("holders").forEach(h -> holders.add(h.path("host").asText()));
            t.row(text(p, "pool") + (p.hasNonNull("subPool") ? " (range " + text(p, "subPool") + ")" : ""),
                    p.hasNonNull("network") ? text(p, "network") : p.hasNonNull("clusterId") ? shortId(text(p, "clusterId")) : null,
                    text(p, "gateway"), p.path("used").asLong(), p.path("free").asText(), p.path("capacity").asText(),
                    String.join(",", holders), text(p, "poolId"));
        }
        return t.isEmpty() ? "(no pools)\n" : t.render();
    }

    /** {@code javaoverlay ipam release}. */
    static String release(JsonNode r) {
        return text(r, "message") + "\n";
    }

    /** {@code javaoverlay host forget}. */
    static String forget(JsonNode r) {
        return "forgot host " + text(r, "hostId") + ": " + r.path("endpointsRemoved").asInt() + " endpoint records, "
                + r.path("addressesReleased").asInt() + " addresses released, " + r.path("poolHoldersRemoved").asInt()
                + " pool holders removed (pools deleted: " + join(r.path("poolsDeleted")) + "), "
                + r.path("aliasesRemoved").asInt() + " network aliases removed (networks deleted: "
                + join(r.path("networksDeleted")) + ")" + (r.path("hostRecordRemoved").asBoolean() ? ", registration removed" : "")
                + "\n";
    }

    private static String withoutHeader(Table t) {
        String s = t.render();
        return s.substring(s.indexOf('\n') + 1);
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isMissingNode() || v.isNull() ? "-" : v.asText();
    }

    private static String name(JsonNode n) {
        return n.hasNonNull("name") ? n.path("name").asText() : shortId(text(n, "clusterId"));
    }

    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    private static String join(JsonNode arr) {
        List<String> out = new ArrayList<>();
        arr.forEach(x -> out.add(x.asText()));
        return out.isEmpty() ? "-" : String.join(",", out);
    }

    static String ms(double ms) {
        return ms < 10 ? String.format(java.util.Locale.ROOT, "%.1f ms", ms) : Math.round(ms) + " ms";
    }

    /** 42s, 3m05s, 2h07m, 3d04h. */
    static String age(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(java.util.Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format(java.util.Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format(java.util.Locale.ROOT, "%dd%02dh", s / 86400, s % 86400 / 3600);
    }
}
