package io.javaoverlay.server.status;

import io.javaoverlay.server.DaemonConfig;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The running configuration as {@code status} shows it: flag name → effective value, in
 * {@code --help} order. Secrets never leave the process: a token shows as {@link #MASK} when set.
 * A new flag that carries a secret must be masked here (ConfigViewTest checks the token).
 */
public final class ConfigView {
    /** What a set secret shows as. */
    public static final String MASK = "********";

    private ConfigView() {
    }

    /** Flag → value, secrets masked, absent optional settings shown as {@code (none)}. */
    public static Map<String, String> of(DaemonConfig c) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("store", c.store().toString());
        m.put("advertise-addr", c.advertiseAddr().orElse("(default route)"));
        m.put("host-id", c.hostId().orElse("(advertise address)"));
        m.put("socket", c.socket().toString());
        m.put("scope", c.scope());
        m.put("log-level", c.logLevel().getName().toLowerCase(java.util.Locale.ROOT));
        m.put("consul-token", c.consulToken().map(t -> MASK).orElse("(none)"));
        m.put("consul-token-file", c.consulTokenFile().map(Object::toString).orElse("(none)"));
        m.put("ready-timeout", c.readyTimeout().toMillis() % 1000 == 0 ? c.readyTimeout().toSeconds() + "s"
                : c.readyTimeout().toMillis() + "ms");
        m.put("consul-cacert", c.consulTls().caFile().map(Object::toString).orElse("(none)"));
        m.put("consul-client-cert", c.consulTls().certFile().map(Object::toString).orElse("(none)"));
        m.put("consul-client-key", c.consulTls().keyFile().map(Object::toString).orElse("(none)"));
        m.put("consul-ssl", String.valueOf(c.consulTls().https()));
        m.put("docker-host", c.dockerHost().orElse("(default)"));
        m.put("driver-name", c.driverName());
        m.put("vxlan-port", String.valueOf(c.vxlanPort()));
        m.put("vni-range", c.vniRange().toString());
        m.put("default-pool", c.defaultPools().stream().map(Object::toString).collect(Collectors.joining(" ")));
        m.put("resync-interval", duration(c.resyncInterval()));
        m.put("endpoint-grace", duration(c.endpointGrace()));
        m.put("dead-host-timeout", duration(c.deadHostTimeout()));
        m.put("dead-host-retention", duration(c.deadHostRetention()));
        m.put("vtep-probe", String.valueOf(c.vtepProbe()));
        m.put("vxlan-ingress-filter", String.valueOf(c.vxlanIngressFilter()));
        m.put("fast-path", String.valueOf(c.fastPath()));
        m.put("bum-warn-hosts", String.valueOf(c.bumLimits().warnHosts()));
        m.put("bum-max-hosts", String.valueOf(c.bumLimits().maxHosts()));
        m.put("dns-addr", c.dnsAddr().orElse("(off)"));
        m.put("dns-upstream", c.dnsUpstreams().isEmpty() ? "(resolv.conf)" : c.dnsUpstreams().stream()
                .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).collect(Collectors.joining(",")));
        m.put("service-registration", String.valueOf(c.serviceRegistration()));
        m.put("admin-socket", c.adminSocket().toString());
        m.put("metrics-addr", c.metricsAddr().map(Object::toString).orElse("(off)"));
        return m;
    }

    /** {@code 1h30m}, {@code 30s}, {@code 500ms}, {@code 0s}: the flags' own notation. */
    static String duration(java.time.Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s == 0) {
            return "0s";
        }
        StringBuilder b = new StringBuilder();
        if (s >= 3600) {
            b.append(s / 3600).append('h');
        }
        if (s % 3600 >= 60) {
            b.append(s % 3600 / 60).append('m');
        }
        if (s % 60 > 0) {
            b.append(s % 60).append('s');
        }
        return b.toString();
    }

    /** Removes {@code secret} from {@code text} wherever it occurs (for messages that might quote it). */
    public static String scrub(String text, String secret) {
        if (text == null || secret == null || secret.isEmpty()) {
            return text;
        }
        return text.replace(secret, MASK);
    }
}
