package io.javaoverlay.vxlan.firewall;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A scripted host for unit tests: answers {@code iptables}/{@code ip6tables -C/-I} from two booleans
 * and emulates just enough of {@code nft} (list as JSON in nft 1.0.6's shape, {@code -f -} scripts,
 * delete) to follow the table's state. Tests damage the state the way a firewall reload would.
 */
final class FakeFirewallHost implements CommandRunner {
    final List<String> calls = new ArrayList<>();
    final List<String> scripts = new ArrayList<>();
    final List<Duration> timeouts = new ArrayList<>();
    boolean rule4;
    boolean rule6;
    boolean ip6tablesInstalled = true;
    boolean nftInstalled = true;
    /** When set, {@code ip6tables -C} exits with this status and message (IPv6 disabled in the kernel). */
    Result ip6tablesBroken;
    /** When set, every {@code iptables} call times out. */
    boolean iptablesHangs;
    /** Incremental scripts refused (a table another program changed incompatibly). */
    boolean refuseIncremental;

    boolean table;
    boolean chain;
    int rulesPort;
    boolean rules;
    Set<String> vteps4 = new TreeSet<>();
    Set<String> vteps6 = new TreeSet<>();

    @Override
    public Result run(List<String> command, Optional<String> stdin, Duration timeout) throws IOException {
        calls.add(String.join(" ", command));
        timeouts.add(timeout);
        String prog = command.get(0);
        switch (prog) {
            case "iptables":
                if (iptablesHangs) {
                    throw new CommandTimeoutException(String.join(" ", command) + " did not finish within "
                            + timeout.toMillis() + " ms and was killed");
                }
                return xtables(command, true);
            case "ip6tables":
                if (!ip6tablesInstalled) {
                    throw new CommandNotFoundException("ip6tables");
                }
                if (ip6tablesBroken != null) {
                    return ip6tablesBroken;
                }
                return xtables(command, false);
            case "nft":
                if (!nftInstalled) {
                    throw new CommandNotFoundException("nft");
                }
                return nft(command, stdin);
            default:
                throw new CommandNotFoundException(prog);
        }
    }

    private Result xtables(List<String> c, boolean v4) {
        boolean present = v4 ? rule4 : rule6;
        if (c.contains("-C")) {
            return present ? ok("") : new Result(1, "", "iptables: Bad rule (does a matching rule exist in that chain?).\n");
        }
        if (v4) {
            rule4 = true;
        } else {
            rule6 = true;
        }
        return ok("");
    }

    /** What {@code nft flush ruleset} does to our state (and to iptables-nft's rules). */
    void flushRuleset() {
        table = chain = rules = false;
        vteps4.clear();
        vteps6.clear();
        rule4 = rule6 = false;
    }

    private Result nft(List<String> c, Optional<String> stdin) {
        String cmd = String.join(" ", c);
        if (cmd.equals("nft -j list table inet javaoverlay")) {
            return table ? ok(json()) : new Result(1, "", "Error: No such file or directory\nlist table inet javaoverlay\n");
        }
        if (cmd.equals("nft -j list tables inet")) {
            return ok(table ? "{\"nftables\": [{\"metainfo\": {}}, {\"table\": {\"family\": \"inet\", \"name\": "
                    + "\"javaoverlay\", \"handle\": 1}}]}" : "{\"nftables\": [{\"metainfo\": {}}]}");
        }
        if (cmd.equals("nft delete table inet javaoverlay")) {
            boolean was = table;
            flushRuleset();
            return was ? ok("") : new Result(1, "", "Error: No such file or directory\n");
        }
        if (cmd.equals("nft -f -")) {
            String script = stdin.orElseThrow();
            scripts.add(script);
            if (refuseIncremental && !script.contains("delete table")) {
                return new Result(1, "", "Error: Could not process rule: Operation not supported\n");
            }
            apply(script);
            return ok("");
        }
        return new Result(1, "", "Error: unexpected command " + cmd + "\n");
    }

    private void apply(String script) {
        Pattern element = Pattern.compile("add element inet javaoverlay (vteps[46]) \\{ (.*) }");
        Pattern rule = Pattern.compile("add rule inet javaoverlay input udp dport (\\d+) .*");
        for (String line : script.split("\n")) {
            if (line.equals("add table inet javaoverlay")) {
                table = true;
            } else if (line.equals("delete table inet javaoverlay")) {
                table = chain = rules = false;
                vteps4.clear();
                vteps6.clear();
            } else if (line.startsWith("add chain inet javaoverlay input")) {
                chain = true;
            } else if (line.equals("flush chain inet javaoverlay input")) {
                rules = false;
            } else if (line.equals("flush set inet javaoverlay vteps4")) {
                vteps4.clear();
            } else if (line.equals("flush set inet javaoverlay vteps6")) {
                vteps6.clear();
            }
            Matcher m = rule.matcher(line);
            if (m.matches()) {
                rules = true;
                rulesPort = Integer.parseInt(m.group(1));
            }
            m = element.matcher(line);
            if (m.matches()) {
                (m.group(1).equals("vteps4") ? vteps4 : vteps6).addAll(List.of(m.group(2).split(", ")));
            }
        }
    }

    /** The table as nft 1.0.6 prints it with {@code -j} (see resources/firewall/nft-1.0.6-table.json). */
    private String json() {
        StringBuilder s = new StringBuilder("{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}}, "
                + "{\"table\": {\"family\": \"inet\", \"name\": \"javaoverlay\", \"handle\": 7}}");
        s.append(set("vteps4", "ipv4_addr", vteps4)).append(set("vteps6", "ipv6_addr", vteps6));
        if (chain) {
            s.append(", {\"chain\": {\"family\": \"inet\", \"table\": \"javaoverlay\", \"name\": \"input\", \"handle\": 5, "
                    + "\"type\": \"filter\", \"hook\": \"input\", \"prio\": -10, \"policy\": \"accept\"}}");
        }
        if (chain && rules) {
            s.append(rule("ip", "vteps4", "rogue4")).append(rule("ip6", "vteps6", "rogue6"));
        }
        return s.append("]}").toString();
    }

    private static String set(String name, String type, Set<String> elems) {
        String e = elems.isEmpty() ? "" : ", \"elem\": [" + elems.stream().map(x -> "\"" + x + "\"")
                .collect(Collectors.joining(", ")) + "]";
        return ", {\"set\": {\"family\": \"inet\", \"name\": \"" + name + "\", \"table\": \"javaoverlay\", \"type\": \""
                + type + "\", \"handle\": 1" + e + "}}";
    }

    private String rule(String proto, String set, String counter) {
        return ", {\"rule\": {\"family\": \"inet\", \"table\": \"javaoverlay\", \"chain\": \"input\", \"handle\": 6, "
                + "\"comment\": \"javaoverlay: VXLAN only from registered hosts\", \"expr\": ["
                + "{\"match\": {\"op\": \"==\", \"left\": {\"payload\": {\"protocol\": \"udp\", \"field\": \"dport\"}}, \"right\": "
                + rulesPort + "}}, {\"match\": {\"op\": \"!=\", \"left\": {\"payload\": {\"protocol\": \"" + proto
                + "\", \"field\": \"saddr\"}}, \"right\": \"@" + set + "\"}}, {\"counter\": \"" + counter + "\"}, {\"drop\": null}]}}";
    }

    private static Result ok(String out) {
        return new Result(0, out, "");
    }
}
