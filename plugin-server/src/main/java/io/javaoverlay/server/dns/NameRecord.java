package io.javaoverlay.server.dns;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.javaoverlay.types.IpAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The DNS names of one endpoint (one container on one javaoverlay network), as its owning host
 * learned them from Docker and published them under {@code names/<hostId>/<endpointId>}
 * ({@link NameKeys}). Every host reads every record; the resolver answers a name only to
 * containers on the same cluster network.
 *
 * <p>Names are kept lower case (DNS compares names case-insensitively). Addresses are typed; the
 * store's JSON ({@code kvstore.StoredJson}) writes them as their canonical text.
 *
 * @param clusterNetworkId the cluster network ID (the same on every host, see vxlan's {@code netalias/})
 * @param networkName      the Docker network name (the same on every host); the DNS domain of {@code NAME.NETWORK}
 * @param endpointId       Docker's endpoint ID
 * @param hostId           the host that owns the container and the record
 * @param containerId      Docker's container ID
 * @param containerName    the container name without Docker's leading {@code /}
 * @param aliases          {@code --network-alias} aliases on this network (and Docker's short-ID alias, if the
 *                         publisher chooses to include it)
 * @param ipv4             overlay IPv4 address, or null
 * @param ipv6             overlay IPv6 address, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record NameRecord(String clusterNetworkId, String networkName, String endpointId, String hostId,
                         String containerId, String containerName, List<String> aliases, IpAddress ipv4, IpAddress ipv6) {

    /** A DNS label sequence as Docker allows in container names and aliases ([a-z0-9_.-], no empty labels). */
    private static final Pattern DNS_NAME = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,62})(\\.[a-z0-9_]([a-z0-9_-]{0,62}))*");

    public NameRecord {
        requireToken(clusterNetworkId, "clusterNetworkId");
        requireToken(endpointId, "endpointId");
        requireToken(hostId, "hostId");
        requireToken(containerId, "containerId");
        networkName = requireText(networkName, "networkName");
        containerName = requireText(stripSlash(containerName), "containerName");
        TreeSet<String> a = new TreeSet<>();
        if (aliases != null) {
            for (String s : aliases) {
                String n = normalize(s);
                // Docker accepts aliases that are not DNS names; they can never be queried, so drop them.
                if (n != null && DNS_NAME.matcher(n).matches() && !n.equals(containerName)) {
                    a.add(n);
                }
            }
        }
        aliases = List.copyOf(a);
        if (ipv4 != null && ipv4.v6()) {
            throw new IllegalArgumentException("name record: ipv4 '" + ipv4 + "' is not an ipv4 address");
        }
        if (ipv6 != null && !ipv6.v6()) {
            throw new IllegalArgumentException("name record: ipv6 '" + ipv6 + "' is not an ipv6 address");
        }
        if (ipv4 == null && ipv6 == null) {
            throw new IllegalArgumentException("name record of endpoint " + endpointId + " has no address");
        }
    }

    /**
     * Every name this endpoint answers to: the container name (if it is a DNS name; Docker allows
     * names that are not, e.g. with a label over 63 characters), then the aliases.
     */
    @JsonIgnore
    public List<String> names() {
        List<String> out = new ArrayList<>(1 + aliases.size());
        if (isDnsName(containerName)) {
            out.add(containerName);
        }
        out.addAll(aliases);
        return out;
    }

    /** True when {@code s} is a name the resolver can hold (lower case, DNS labels). */
    public static boolean isDnsName(String s) {
        return s != null && s.length() <= 253 && DNS_NAME.matcher(s).matches();
    }

    private static String stripSlash(String name) {
        return name != null && name.startsWith("/") ? name.substring(1) : name;
    }

    private static String normalize(String s) {
        return s == null ? null : s.trim().toLowerCase(Locale.ROOT);
    }

    private static String requireText(String s, String what) {
        String n = normalize(s);
        if (n == null || n.isEmpty() || n.length() > 255) {
            throw new IllegalArgumentException("name record: " + what + " '" + s + "' is empty or too long");
        }
        return n;
    }

    private static void requireToken(String s, String what) {
        Objects.requireNonNull(s, what);
        if (!NameKeys.isValidToken(s)) {
            throw new IllegalArgumentException("name record: invalid " + what + " '" + s + "'");
        }
    }
}
