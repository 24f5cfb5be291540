package io.javaoverlay.server.services;

import io.javaoverlay.kvstore.ServiceCatalog.Health;
import io.javaoverlay.kvstore.ServiceCatalog.Registration;
import io.javaoverlay.server.dns.NameRecords.OverlayNetwork;
import io.javaoverlay.server.docker.ContainerInspect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which services a container asks to be registered as, from its labels and environment.
 *
 * <p>Opt-in: a container is a service only if it names one, with javaoverlay's labels or
 * registrator's conventions (gliderlabs/registrator {@code serviceMetaData}: the environment wins
 * over labels, and {@code SERVICE_<port>_<KEY>} wins over {@code SERVICE_<KEY>} for that port):
 * <ul>
 *   <li>{@code javaoverlay.service=web}, {@code javaoverlay.service.port=80} (or {@code 53/udp}; a
 *       comma list registers each), {@code javaoverlay.service.tags=a,b},
 *       {@code javaoverlay.service.network=NAME} (which javaoverlay network's address to
 *       register when the container is on several; default: the first by name);</li>
 *   <li>{@code SERVICE_NAME}, {@code SERVICE_<port>_NAME}, {@code SERVICE_TAGS},
 *       {@code SERVICE_<port>_TAGS}, {@code SERVICE_IGNORE}, {@code SERVICE_<port>_IGNORE}.</li>
 * </ul>
 * Ports: {@code javaoverlay.service.port}, else the ports named in {@code SERVICE_<port>_NAME}
 * keys, else the container's exposed ports. The address is always the container's overlay
 * address: registrator's {@code -internal} mode, which is what a flat overlay makes right.
 */
public final class ServiceDefinitions {
    /** Meta key marking javaoverlay's services with the owning host. */
    public static final String META_HOST = "javaoverlay-host";
    /** Meta key with the container ID. */
    public static final String META_CONTAINER = "javaoverlay-container";
    /** Meta key with the container name. */
    public static final String META_CONTAINER_NAME = "javaoverlay-container-name";
    /** Meta key with the network whose address is registered. */
    public static final String META_NETWORK = "javaoverlay-network";

    static final String LABEL = "javaoverlay.service";
    static final String LABEL_PORT = "javaoverlay.service.port";
    static final String LABEL_TAGS = "javaoverlay.service.tags";
    static final String LABEL_NETWORK = "javaoverlay.service.network";

    /** Consul's advice for names usable in DNS: letters, digits, dashes. */
    private static final Pattern SERVICE_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern PORT_KEY = Pattern.compile("SERVICE_([0-9]{1,5})_([A-Z0-9_]+)");

    /** One service instance wanted, with the health to report. */
    public record Desired(Registration registration, Health health) {
    }

    /** The services of one container, and what was wrong with its labels (for the log). */
    public record Result(List<Desired> services, List<String> problems) {
    }

    private ServiceDefinitions() {
    }

    /**
     * The services {@code c} asks for. A stopped container asks for none.
     *
     * @param overlays javaoverlay networks on this host, by Docker network ID
     * @param ttl      TTL of the check the registrar keeps alive
     */
    public static Result of(String hostId, ContainerInspect c, Map<String, OverlayNetwork> overlays, Duration ttl,
                            Duration deregisterCriticalAfter) {
        List<String> problems = new ArrayList<>();
        List<Desired> out = new ArrayList<>();
        Map<String, String> meta = metadata(c);
        boolean optedIn = c.labels().containsKey(LABEL) || meta.containsKey("SERVICE_NAME")
                || meta.keySet().stream().anyMatch(k -> PORT_KEY.matcher(k).matches() && k.endsWith("_NAME"));
        if (!optedIn || !c.running()) {
            return new Result(out, problems);
        }
        String where = "container " + c.name();
        ContainerInspect.Attachment att = null;
        String netName = null;
        String wanted = c.labels().get(LABEL_NETWORK);
        for (Map.Entry<String, ContainerInspect.Attachment> e : new TreeMap<>(c.networks()).entrySet()) {
            if (overlays.containsKey(e.getValue().networkId()) && e.getValue().ipv4() != null
                    && (wanted == null || wanted.equals(e.getKey()))) {
                att = e.getValue();
                netName = e.getKey();
                break;
            }
        }
        if (att == null) {
            problems.add(where + " asks to be a service but has no IPv4 address on "
                    + (wanted == null ? "any javaoverlay network" : "javaoverlay network " + wanted));
            return new Result(out, problems);
        }
        Set<String> ports = ports(c, meta, problems);
        if (ports.isEmpty()) {
            problems.add(where + " asks to be a service but names no port (set " + LABEL_PORT + ")");
        }
        for (String port : ports) {
            String number = port.substring(0, port.indexOf('/'));
            boolean udp = port.endsWith("/udp");
            if (!value(meta, number, "IGNORE").isEmpty()) {
                continue;
            }
            String name = value(meta, number, "NAME");
            String label = c.labels().getOrDefault(LABEL, "");
            String portName = meta.getOrDefault("SERVICE_" + number + "_NAME", "");
            name = !portName.isEmpty() ? portName : !label.isEmpty() ? label : name;
            if (!SERVICE_NAME.matcher(name).matches()) {
                problems.add(where + ": service name '" + name + "' is not a DNS label (letters, digits, '-')");
                continue;
            }
            Set<String> tags = new TreeSet<>();
            split(c.labels().getOrDefault(LABEL_TAGS, ""), tags);
            split(value(meta, number, "TAGS"), tags);
            if (udp) {
                tags.add("udp");
            }
            String id = serviceId(hostId, c.id(), number, udp);
            Map<String, String> m = Map.of(META_HOST, hostId, META_CONTAINER, c.id(), META_CONTAINER_NAME, c.name(),
                    META_NETWORK, netName);
            Health h = health(c.health());
            out.add(new Desired(new Registration(id, name.toLowerCase(Locale.ROOT), att.ipv4(), Integer.parseInt(number),
                    List.copyOf(tags), m, ttl, deregisterCriticalAfter, h), h));
        }
        return new Result(out, problems);
    }

    /** {@code javaoverlay:<hostId>:<container id, 12>:<port>[:udp]}: the same every time, so a resync replaces. */
    public static String serviceId(String hostId, String containerId, String port, boolean udp) {
        String cid = containerId.length() > 12 ? containerId.substring(0, 12) : containerId;
        return "javaoverlay:" + hostId + ":" + cid + ":" + port + (udp ? ":udp" : "");
    }

    /** Docker's healthcheck status as a check status: none or healthy = passing, starting = warning. */
    static Health health(String dockerHealth) {
        if (dockerHealth == null || dockerHealth.equals("healthy") || dockerHealth.equals("none")) {
            return Health.PASSING;
        }
        return dockerHealth.equals("starting") ? Health.WARNING : Health.CRITICAL;
    }

    /** Labels overlaid with the environment (registrator: env takes precedence). */
    private static Map<String, String> metadata(ContainerInspect c) {
        Map<String, String> m = new TreeMap<>();
        c.labels().forEach((k, v) -> {
            if (k.startsWith("SERVICE_")) {
                m.put(k, v);
            }
        });
        c.env().forEach((k, v) -> {
            if (k.startsWith("SERVICE_")) {
                m.put(k, v);
            }
        });
        return m;
    }

    private static String value(Map<String, String> meta, String port, String key) {
        String perPort = meta.get("SERVICE_" + port + "_" + key);
        return perPort != null ? perPort : meta.getOrDefault("SERVICE_" + key, "");
    }

    private static Set<String> ports(ContainerInspect c, Map<String, String> meta, List<String> problems) {
        Set<String> out = new LinkedHashSet<>();
        String label = c.labels().get(LABEL_PORT);
        if (label != null) {
            for (String p : label.split(",")) {
                String n = normalizePort(p.trim());
                if (n == null) {
                    problems.add("container " + c.name() + ": " + LABEL_PORT + " '" + p.trim()
                            + "' is not PORT or PORT/tcp|udp (1-65535)");
                } else {
                    out.add(n);
                }
            }
            return out;
        }
        for (String k : meta.keySet()) {
            java.util.regex.Matcher m = PORT_KEY.matcher(k);
            if (m.matches() && m.group(2).equals("NAME")) {
                String proto = c.exposedPorts().contains(m.group(1) + "/udp")
                        && !c.exposedPorts().contains(m.group(1) + "/tcp") ? "/udp" : "/tcp";
                String n = normalizePort(m.group(1) + proto);
                if (n != null) {
                    out.add(n);
                }
            }
        }
        if (out.isEmpty()) {
            for (String p : new TreeSet<>(c.exposedPorts())) {
                String n = normalizePort(p);
                if (n != null) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    private static String normalizePort(String p) {
        String[] parts = p.toLowerCase(Locale.ROOT).split("/", -1);
        if (parts.length > 2 || (parts.length == 2 && !parts[1].equals("tcp") && !parts[1].equals("udp"))) {
            return null;
        }
        try {
            int n = Integer.parseInt(parts[0]);
            if (n < 1 || n > 65535) {
                return null;
            }
            return n + "/" + (parts.length == 2 ? parts[1] : "tcp");
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void split(String csv, Set<String> into) {
        for (String t : csv.split(",")) {
            if (!t.isBlank()) {
                into.add(t.trim());
            }
        }
    }
}
