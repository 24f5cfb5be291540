package io.javaoverlay.vxlan.testing;

import io.javaoverlay.vxlan.firewall.CommandRunner;
import io.javaoverlay.vxlan.firewall.ProcessCommandRunner;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs the firewall's commands inside a test namespace ({@code ip netns exec NS ...}) with the real
 * runner, so privileged tests never touch the root namespace's firewall and main code knows nothing
 * of namespaces. {@code rename} swaps programs, e.g. {@code iptables} for {@code iptables-legacy}.
 */
public final class NetnsRunner implements CommandRunner {
    private final String ns;
    private final Map<String, String> rename;
    private final ProcessCommandRunner real = new ProcessCommandRunner();

    public NetnsRunner(String ns) {
        this(ns, Map.of());
    }

    public NetnsRunner(String ns, Map<String, String> rename) {
        this.ns = ns;
        this.rename = rename;
    }

    @Override
    public Result run(List<String> command, Optional<String> stdin, Duration timeout) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.add(rename.getOrDefault(command.get(0), command.get(0)));
        c.addAll(command.subList(1, command.size()));
        return real.run(c, stdin, timeout);
    }
}
