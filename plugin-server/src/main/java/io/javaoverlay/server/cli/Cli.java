package io.javaoverlay.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.server.docker.UnixHttpClient;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code javaoverlay status|network|ipam|host ...}: a small client of the daemon's admin socket.
 * It loads neither Jersey nor Grizzly (a JDK Unix-socket HTTP client and Jackson trees), so it
 * starts in a fraction of a second. Tables for people, {@code --json} for scripts (the admin API's
 * JSON as is). Exit status: 0 success (and for {@code status}: healthy), 1 degraded or refused,
 * 2 usage error, 3 the daemon cannot be reached.
 */
public final class Cli {
    /** Success; for {@code status}: healthy. */
    public static final int OK = 0;
    /** {@code status}: degraded. Other commands: the daemon refused or failed the request. */
    public static final int DEGRADED = 1;
    /** Bad command line. */
    public static final int USAGE = 2;
    /** No answer on the admin socket. */
    public static final int UNREACHABLE = 3;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> COMMANDS = Set.of("status", "network", "ipam", "host");
    private static final String COMMON = "Options: --json (print the admin API's JSON), --admin-socket PATH (default\n"
            + "$JAVAOVERLAY_ADMIN_SOCKET, else /run/javaoverlay/admin.sock), -h/--help.\n"
            + "Needs root: the admin socket is 0600 and refuses other users.\n";

    /** What talks HTTP to the admin socket (a fake in tests). */
    @FunctionalInterface
    public interface Transport {
        /** One request; throws IOException when the daemon cannot be reached. */
        UnixHttpClient.Response send(String method, String path, byte[] body) throws IOException;
    }

    private record Spec(String usage, String help, int positionals) {
    }

    private static final Map<String, Spec> SPECS = Map.of(
            "status", new Spec("javaoverlay status [--json] [--admin-socket PATH]",
                    "Shows this host (ID, VTEP, underlay device and MTU, version, uptime, store and the latency of a\n"
                    + "read, running configuration with secrets masked), the cluster's hosts and their liveness,\n"
                    + "the networks, per network the drift between the store and this host's kernel (FDB and\n"
                    + "neighbour entries wanted and present, last reconcile pass and its result), and recent\n"
                    + "warnings and errors.\n\n"
                    + "Typed while the daemon starts, the answer waits up to 5 s for its first store connection.\n\n"
                    + "Exit status: 0 healthy; 1 degraded (store unreachable or services not running, a reconcile\n"
                    + "pass did not converge, drift, or a dead host; the reasons are listed first) or still\n"
                    + "STARTING after 5 s; 2 usage error; 3 the daemon cannot be reached.\n", 0),
            "network ls", new Spec("javaoverlay network ls [--json] [--admin-socket PATH]",
                    "Lists the overlay networks: name, cluster ID, VNI, subnets, MTU, endpoints, and the hosts that\n"
                    + "have each network.\n", 0),
            "network inspect", new Spec("javaoverlay network inspect NAME|ID [--json] [--admin-socket PATH]",
                    "Shows one network (by Docker name, cluster ID, this host's Docker ID, or a unique ID prefix of\n"
                    + "at least 4 characters) and its endpoints on every host: host, container name (when this host's\n"
                    + "Docker knows it), IPv4, IPv6, MAC, endpoint ID. Exit 1 when no network or several match.\n", 1),
            "ipam ls", new Spec("javaoverlay ipam ls [--json] [--admin-socket PATH]",
                    "Lists the address pools: subnet (and IP range), network, gateway, addresses used, free and in\n"
                    + "total, the hosts holding the pool, and the pool ID.\n", 0),
            "ipam release", new Spec("javaoverlay ipam release ADDR [--json] [--admin-socket PATH]",
                    "Releases one leaked address. Refused (exit 1) when an endpoint record still holds it (remove the\n"
                    + "container, or forget its dead host) or when it is a pool's gateway.\n", 1),
            "host ls", new Spec("javaoverlay host ls [--json] [--admin-socket PATH]",
                    "Lists the cluster's hosts: liveness (alive, silent, dead), VTEP, host name, last beat,\n"
                    + "since when, and the endpoint records each owns.\n", 0),
            "host forget", new Spec("javaoverlay host forget ID [--force] [--json] [--admin-socket PATH]",
                    "Forgets a dead host: deletes its endpoint records (every host withdraws its peers), releases\n"
                    + "its addresses and pool holders, removes its network aliases and its registration. Refused\n"
                    + "(exit 1) for a live or silent host, for this host, and while this host cannot read the host\n"
                    + "list. --force is accepted and changes nothing: liveness comes from the heartbeats in every\n"
                    + "mode (scope local or global, Consul or the file store).\n", 1));

    private Cli() {
    }

    /** True when {@code command} is one of the CLI's commands (not {@code daemon}). */
    public static boolean handles(String command) {
        return COMMANDS.contains(command);
    }

    /** The command list for the daemon's {@code --help}. */
    public static String summary() {
        return "  status                        this host, hosts, networks, drift, recent errors; exit 0 healthy, 1 degraded\n"
                + "  network ls | inspect NAME|ID  networks; one network's endpoints with host, IP, MAC, container\n"
                + "  ipam ls | release ADDR        pools with used/free; release an address no endpoint holds\n"
                + "  host ls | forget ID           hosts and liveness; forget a dead host (frees its addresses)\n"
                + "  Common: --json, --admin-socket PATH [$JAVAOVERLAY_ADMIN_SOCKET]. Exit 2 usage, 3 daemon unreachable.\n";
    }

    /** Runs a command against the real admin socket. */
    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        return run(args, env, out, err, socket -> {
            UnixHttpClient http = new UnixHttpClient(socket, Duration.ofSeconds(60));
            return http::send;
        });
    }

    /** Runs a command through {@code connect} (tests pass a fake). */
    public static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err,
                          Function<Path, Transport> connect) {
        boolean json = false;
        boolean help = false;
        boolean force = false;
        String socket = env.getOrDefault("JAVAOVERLAY_ADMIN_SOCKET", "");
        if (socket.isBlank()) {
            socket = "/run/javaoverlay/admin.sock";
        }
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--json")) {
                json = true;
            } else if (a.equals("-h") || a.equals("--help") || a.equals("help") && i == 1) {
                help = true;
            } else if (a.equals("--force")) {
                force = true;
            } else if (a.equals("--admin-socket")) {
                if (i + 1 >= args.size()) {
                    return usage(err, "--admin-socket needs a value", null);
                }
                socket = args.get(++i);
            } else if (a.startsWith("--admin-socket=")) {
                socket = a.substring("--admin-socket=".length());
            } else if (a.startsWith("-") && !a.equals("-")) {
                return usage(err, "unknown option " + a, key(words));
            } else {
                words.add(a);
            }
        }
        String cmd = words.get(0);
        String key = cmd.equals("status") ? "status" : words.size() > 1 ? cmd + " " + words.get(1) : null;
        Spec spec = key == null ? null : SPECS.get(key);
        if (spec == null) {
            if (help) {
                out.print(groupHelp(cmd));
                return OK;
            }
            return usage(err, words.size() > 1 ? "unknown command '" + cmd + " " + words.get(1) + "'"
                    : "'" + cmd + "' needs a subcommand", cmd);
        }
        if (help) {
            out.print("Usage: " + spec.usage() + "\n\n" + spec.help() + "\n" + COMMON);
            return OK;
        }
        int given = words.size() - (cmd.equals("status") ? 1 : 2);
        if (given != spec.positionals()) {
            return usage(err, "'" + key + "' takes " + (spec.positionals() == 0 ? "no argument" : "one argument")
                    + ", got " + given, key);
        }
        if (force && !key.equals("host forget")) {
            return usage(err, "--force applies only to 'host forget'", key);
        }
        if (socket.isBlank() || !Path.of(socket).isAbsolute()) {
            return usage(err, "--admin-socket '" + socket + "' must be an absolute path", key);
        }
        String arg = spec.positionals() == 1 ? words.get(words.size() - 1) : null;
        return call(key, arg, force, json, Path.of(socket), connect.apply(Path.of(socket)), out, err);
    }

    private static int call(String key, String arg, boolean force, boolean json, Path socket, Transport t,
                            PrintStream out, PrintStream err) {
        String method = "GET";
        String path;
        byte[] body = null;
        switch (key) {
            case "status" -> path = "/v1/status";
            case "network ls" -> path = "/v1/networks";
            case "network inspect" -> path = "/v1/networks/" + URLEncoder.encode(arg, StandardCharsets.UTF_8);
            case "ipam ls" -> path = "/v1/ipam/pools";
            case "ipam release" -> {
                method = "POST";
                path = "/v1/ipam/release";
                body = JSON.createObjectNode().put("address", arg).toString().getBytes(StandardCharsets.UTF_8);
            }
            case "host ls" -> path = "/v1/hosts";
            case "host forget" -> {
                method = "POST";
                path = "/v1/hosts/" + URLEncoder.encode(arg, StandardCharsets.UTF_8) + "/forget" + (force ? "?force=true" : "");
                body = new byte[0];
            }
            default -> throw new IllegalStateException(key);
        }
        UnixHttpClient.Response r;
        try {
            r = t.send(method, path, body);
        } catch (IOException e) {
            err.println("javaoverlay: cannot reach the daemon on its admin socket " + socket + ": " + e.getMessage());
            err.println("  Is the daemon running, and is this its --admin-socket? The admin socket is root only: run as root.");
            return UNREACHABLE;
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(r.body());
        } catch (IOException e) {
            err.println("javaoverlay: the daemon answered " + r.status() + " with something that is not JSON: "
                    + abbreviate(r.text()));
            return DEGRADED;
        }
        if (r.status() / 100 != 2) {
            err.println("javaoverlay: " + (doc.hasNonNull("error") ? doc.path("error").asText() : "HTTP " + r.status()));
            return DEGRADED;
        }
        if (json) {
            out.println(doc.toPrettyString());
        } else {
            out.print(switch (key) {
                case "status" -> Render.status(doc);
                case "network ls" -> Render.networks(doc.path("networks"));
                case "network inspect" -> Render.network(doc);
                case "ipam ls" -> Render.pools(doc);
                case "ipam release" -> Render.release(doc);
                case "host ls" -> Render.hosts(doc.path("hosts"));
                default -> Render.forget(doc);
            });
        }
        if (key.equals("status")) {
            return doc.path("health").path("healthy").asBoolean(false) ? OK : DEGRADED;
        }
        return OK;
    }

    private static String key(List<String> words) {
        return words.isEmpty() ? null : words.get(0);
    }

    private static String groupHelp(String cmd) {
        StringBuilder sb = new StringBuilder();
        SPECS.keySet().stream().filter(k -> k.equals(cmd) || k.startsWith(cmd + " ")).sorted()
                .forEach(k -> sb.append("Usage: ").append(SPECS.get(k).usage()).append('\n'));
        return sb.append("\nRun 'javaoverlay ").append(cmd).append(" SUBCOMMAND --help' for details.\n").toString();
    }

    private static int usage(PrintStream err, String message, String cmd) {
        err.println("javaoverlay: " + message);
        err.println("Try 'javaoverlay " + (cmd == null ? "" : cmd.split(" ")[0] + " ") + "--help'.");
        return USAGE;
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() > 200 ? one.substring(0, 200) + "..." : one;
    }
}
