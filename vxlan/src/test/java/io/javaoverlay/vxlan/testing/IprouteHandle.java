package io.javaoverlay.vxlan.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javaoverlay.netlink.Addr;
import io.javaoverlay.netlink.AlreadyExistsException;
import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.Device;
import io.javaoverlay.netlink.Family;
import io.javaoverlay.netlink.FdbEntry;
import io.javaoverlay.netlink.GenericLink;
import io.javaoverlay.netlink.IpPrefix;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.LinkEvent;
import io.javaoverlay.netlink.LinkSubscription;
import io.javaoverlay.netlink.MacAddress;
import io.javaoverlay.netlink.Neighbor;
import io.javaoverlay.netlink.NetNs;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.Route;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.Vxlan;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * TEST ONLY: a {@link NetlinkHandle} that drives iproute2 ({@code ip -n NS ...}, {@code bridge -n NS ...})
 * inside a named namespace. It lets the privileged ITs exercise the reconciler against the real
 * kernel while the JNR netlink implementation is not available; with it available, the ITs use
 * {@code Netlink.openIn} instead (see {@link ItSupport#openHandle}). Covers only what vxlan uses.
 * Link events are synthesised by polling the link list every 100 ms.
 */
public final class IprouteHandle implements NetlinkHandle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String ns;

    public IprouteHandle(String ns) {
        this.ns = ns;
    }

    private String run(String tool, String... args) throws NetlinkException {
        List<String> cmd = new ArrayList<>(List.of(tool, "-n", ns));
        cmd.addAll(List.of(args));
        String op = String.join(" ", cmd);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                if (err.contains("File exists")) {
                    throw new AlreadyExistsException(17, op, null, err);
                }
                if (err.contains("Cannot find device") || err.contains("No such") || err.contains("does not exist")) {
                    throw new NotFoundException(19, op, null, err);
                }
                throw new NetlinkException(0, op, null, err);
            }
            return out;
        } catch (IOException e) {
            throw new NetlinkException(0, op, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetlinkException(4, op, null, "interrupted");
        }
    }

    private JsonNode json(String tool, String... args) throws NetlinkException {
        String out = run(tool, args);
        try {
            return out.isBlank() ? JSON.createArrayNode() : JSON.readTree(out);
        } catch (IOException e) {
            throw new NetlinkException(0, tool, null, "bad JSON: " + e.getMessage());
        }
    }

    @Override
    public synchronized Link linkAdd(Link spec) throws NetlinkException {
        List<String> a = new ArrayList<>(List.of("link", "add", spec.name()));
        if (spec.attrs().mtu() > 0) {
            a.addAll(List.of("mtu", Integer.toString(spec.attrs().mtu())));
        }
        a.addAll(List.of("type", spec.kind()));
        if (spec instanceof Vxlan v) {
            a.addAll(List.of("id", Integer.toString(v.vni()), "dstport", Integer.toString(v.port()),
                    v.learning() ? "learning" : "nolearning", v.proxy() ? "proxy" : "noproxy"));
            v.local().ifPresent(l -> a.addAll(List.of("local", l.getHostAddress())));
            if (v.underlayIndex() > 0) {
                a.addAll(List.of("dev", linkByIndex(v.underlayIndex()).name()));
            }
        } else if (spec instanceof Veth v) {
            a.addAll(List.of("peer", "name", v.peerName()));
        }
        run("ip", a.toArray(String[]::new));
        Link made = linkByName(spec.name());
        if (spec.attrs().alias().isPresent()) {
            linkSetAlias(made.index(), spec.attrs().alias().get());
        }
        if (spec.attrs().masterIndex() > 0) {
            linkSetMaster(made.index(), spec.attrs().masterIndex());
        }
        if (spec.attrs().up()) {
            linkSetUp(made.index());
        }
        return linkByName(spec.name());
    }

    private String name(int index) throws NetlinkException {
        return linkByIndex(index).name();
    }

    @Override
    public void linkDel(int index) throws NetlinkException {
        run("ip", "link", "del", name(index));
    }

    @Override
    public void linkDel(String name) throws NetlinkException {
        run("ip", "link", "del", name);
    }

    @Override
    public Link linkByName(String name) throws NetlinkException {
        return findLinkByName(name).orElseThrow(() -> new NotFoundException(19, "link " + name, null, "no such device"));
    }

    @Override
    public Optional<Link> findLinkByName(String name) throws NetlinkException {
        return linkList().stream().filter(l -> l.name().equals(name)).findFirst();
    }

    @Override
    public Link linkByIndex(int index) throws NetlinkException {
        return linkList().stream().filter(l -> l.index() == index).findFirst()
                .orElseThrow(() -> new NotFoundException(19, "link " + index, null, "no such device"));
    }

    @Override
    public List<Link> linkList() throws NetlinkException {
        JsonNode arr = json("ip", "-d", "-j", "link", "show");
        Map<String, Integer> idx = new HashMap<>();
        arr.forEach(n -> idx.put(n.path("ifname").asText(), n.path("ifindex").asInt()));
        List<Link> out = new ArrayList<>();
        for (JsonNode n : arr) {
            List<String> flags = new ArrayList<>();
            n.path("flags").forEach(f -> flags.add(f.asText()));
            String addr = n.path("address").asText("");
            LinkAttrs a = new LinkAttrs(n.path("ifindex").asInt(), n.path("ifname").asText(), n.path("mtu").asInt(),
                    addr.length() == 17 ? Optional.of(MacAddress.parse(addr)) : Optional.empty(),
                    idx.getOrDefault(n.path("master").asText(""), 0), flags.contains("UP"), flags.contains("LOWER_UP"),
                    n.has("ifalias") ? Optional.of(n.path("ifalias").asText()) : Optional.empty());
            JsonNode info = n.path("linkinfo");
            String kind = info.path("info_kind").asText("");
            JsonNode d = info.path("info_data");
            if (kind.equals("bridge")) {
                out.add(new Bridge(a));
            } else if (kind.equals("vxlan")) {
                Optional<InetAddress> local = d.has("local") ? Optional.of(IpPrefix.parseAddress(d.path("local").asText()))
                        : Optional.empty();
                out.add(new Vxlan(a, d.path("id").asInt(), local, d.path("port").asInt(), d.path("learning").asBoolean(),
                        d.path("proxy").asBoolean(), d.path("l2miss").asBoolean(), d.path("l3miss").asBoolean(),
                        d.path("ttl").asInt(), idx.getOrDefault(d.path("link").asText(""), 0)));
            } else if (kind.equals("veth")) {
                out.add(new Veth(a, "", Optional.empty(), n.path("link_index").asInt(0)));
            } else if (kind.isEmpty()) {
                out.add(new Device(a));
            } else {
                out.add(new GenericLink(a, kind));
            }
        }
        return out;
    }

    @Override
    public void linkSetUp(int index) throws NetlinkException {
        run("ip", "link", "set", "dev", name(index), "up");
    }

    @Override
    public void linkSetDown(int index) throws NetlinkException {
        run("ip", "link", "set", "dev", name(index), "down");
    }

    @Override
    public void linkSetMtu(int index, int mtu) throws NetlinkException {
        run("ip", "link", "set", "dev", name(index), "mtu", Integer.toString(mtu));
    }

    @Override
    public void linkSetMaster(int index, int masterIndex) throws NetlinkException {
        run("ip", "link", "set", "dev", name(index), "master", name(masterIndex));
    }

    @Override
    public void linkSetNoMaster(int index) throws NetlinkException {
        run("ip", "link", "set", "dev", name(index), "nomaster");
    }

    @Override
    public void linkSetName(int index, String newName) throws NetlinkException {
        run("ip", "link", "set", "dev", name(index), "name", newName);
    }

    @Override
    public void linkSetHardwareAddr(int index, MacAddress mac) throws NetlinkException {
        run("ip", "link", "set", "dev", name(index), "address", mac.toString());
    }

    @Override
    public void linkSetAlias(int index, String alias) throws NetlinkException {
        run("ip", "link", "set", "dev", name(index), "alias", alias);
    }

    @Override
    public void linkSetNs(int index, NetNs target) throws NetlinkException {
        run("ip", "link", "set", "dev", name(index), "netns", target.name());
    }

    @Override
    public void linkSetNsPid(int index, int pid) throws NetlinkException {
        run("ip", "link", "set", "dev", name(index), "netns", Integer.toString(pid));
    }

    @Override
    public void addrAdd(int linkIndex, IpPrefix address) throws NetlinkException {
        run("ip", "addr", "add", address.toString(), "dev", name(linkIndex));
    }

    @Override
    public void addrReplace(int linkIndex, IpPrefix address) throws NetlinkException {
        run("ip", "addr", "replace", address.toString(), "dev", name(linkIndex));
    }

    @Override
    public void addrDel(int linkIndex, IpPrefix address) throws NetlinkException {
        run("ip", "addr", "del", address.toString(), "dev", name(linkIndex));
    }

    @Override
    public List<Addr> addrList(int linkIndex, Family family) throws NetlinkException {
        List<Addr> out = new ArrayList<>();
        for (JsonNode n : json("ip", "-j", "addr", "show")) {
            int idx = n.path("ifindex").asInt();
            if (linkIndex != 0 && idx != linkIndex) {
                continue;
            }
            for (JsonNode a : n.path("addr_info")) {
                IpPrefix p = new IpPrefix(IpPrefix.parseAddress(a.path("local").asText()), a.path("prefixlen").asInt());
                if (family == Family.ALL || p.family() == family) {
                    String scope = a.path("scope").asText();
                    out.add(new Addr(idx, p, scope.equals("global") ? 0 : scope.equals("link") ? 253 : 254, 0));
                }
            }
        }
        return out;
    }

    @Override
    public void routeAdd(Route route) {
        throw new UnsupportedOperationException("not needed by vxlan");
    }

    @Override
    public void routeReplace(Route route) {
        throw new UnsupportedOperationException("not needed by vxlan");
    }

    @Override
    public void routeDel(Route route) {
        throw new UnsupportedOperationException("not needed by vxlan");
    }

    @Override
    public List<Route> routeList(Family family) throws NetlinkException {
        List<Route> out = new ArrayList<>();
        for (Family f : family == Family.ALL ? List.of(Family.INET, Family.INET6) : List.of(family)) {
            for (JsonNode n : json("ip", f == Family.INET ? "-4" : "-6", "-j", "route", "show")) {
                String dst = n.path("dst").asText();
                Optional<IpPrefix> d = dst.equals("default") ? Optional.empty() : Optional.of(IpPrefix.parse(dst));
                Optional<InetAddress> gw = n.has("gateway") ? Optional.of(IpPrefix.parseAddress(n.path("gateway").asText()))
                        : Optional.empty();
                Optional<InetAddress> src = n.has("prefsrc") ? Optional.of(IpPrefix.parseAddress(n.path("prefsrc").asText()))
                        : Optional.empty();
                out.add(new Route(f, d, gw, linkByName(n.path("dev").asText()).index(), src, 254, 0, 0, 1));
            }
        }
        return out;
    }

    @Override
    public Route routeGet(InetAddress destination) {
        throw new UnsupportedOperationException("not needed by vxlan");
    }

    @Override
    public void neighAdd(Neighbor n) throws NetlinkException {
        run("ip", "neigh", "add", n.ip().getHostAddress(), "lladdr", n.mac().toString(), "dev", name(n.linkIndex()),
                "nud", "permanent");
    }

    @Override
    public void neighSet(Neighbor n) throws NetlinkException {
        run("ip", "neigh", "replace", n.ip().getHostAddress(), "lladdr", n.mac().toString(), "dev",
                name(n.linkIndex()), "nud", "permanent");
    }

    @Override
    public void neighDel(Neighbor n) throws NetlinkException {
        run("ip", "neigh", "del", n.ip().getHostAddress(), "dev", name(n.linkIndex()));
    }

    @Override
    public List<Neighbor> neighList(int linkIndex, Family family) throws NetlinkException {
        List<Neighbor> out = new ArrayList<>();
        for (JsonNode n : json("ip", "-j", "neigh", "show", "dev", name(linkIndex))) {
            int state = 0;
            for (JsonNode s : n.path("state")) {
                state |= switch0(s.asText());
            }
            String ll = n.path("lladdr").asText("");
            out.add(new Neighbor(linkIndex, IpPrefix.parseAddress(n.path("dst").asText()),
                    ll.length() == 17 ? MacAddress.parse(ll) : null, state, 0));
        }
        return out;
    }

    private static int switch0(String s) {
        if (s.equals("PERMANENT")) {
            return Neighbor.NUD_PERMANENT;
        }
        if (s.equals("NOARP")) {
            return Neighbor.NUD_NOARP;
        }
        if (s.equals("STALE")) {
            return Neighbor.NUD_STALE;
        }
        return s.equals("REACHABLE") ? Neighbor.NUD_REACHABLE : 0;
    }

    @Override
    public void fdbAdd(FdbEntry e) throws NetlinkException {
        fdb("add", e);
    }

    @Override
    public void fdbSet(FdbEntry e) throws NetlinkException {
        fdb("replace", e);
    }

    @Override
    public void fdbAppend(FdbEntry e) throws NetlinkException {
        fdb("append", e);
    }

    private void fdb(String verb, FdbEntry e) throws NetlinkException {
        List<String> a = new ArrayList<>(List.of("fdb", verb, e.mac().toString(), "dev", name(e.linkIndex())));
        e.destination().ifPresent(d -> a.addAll(List.of("dst", d.getHostAddress())));
        a.addAll(List.of("self", "permanent"));
        run("bridge", a.toArray(String[]::new));
    }

    @Override
    public void fdbDel(FdbEntry e) throws NetlinkException {
        List<String> a = new ArrayList<>(List.of("fdb", "del", e.mac().toString(), "dev", name(e.linkIndex())));
        e.destination().ifPresent(d -> a.addAll(List.of("dst", d.getHostAddress())));
        a.add("self");
        run("bridge", a.toArray(String[]::new));
    }

    @Override
    public List<FdbEntry> fdbList(int linkIndex) throws NetlinkException {
        List<FdbEntry> out = new ArrayList<>();
        for (JsonNode n : json("bridge", "-j", "fdb", "show", "dev", name(linkIndex))) {
            int flags = 0;
            for (JsonNode f : n.path("flags")) {
                flags |= f.asText().equals("self") ? FdbEntry.NTF_SELF : 0;
            }
            if (n.has("master")) {
                flags |= FdbEntry.NTF_MASTER;
            }
            String st = n.path("state").asText("");
            int state = st.equals("permanent") ? Neighbor.NUD_PERMANENT : st.equals("static") ? Neighbor.NUD_NOARP
                    : Neighbor.NUD_REACHABLE;
            Optional<InetAddress> dst = n.has("dst") ? Optional.of(IpPrefix.parseAddress(n.path("dst").asText()))
                    : Optional.empty();
            out.add(new FdbEntry(linkIndex, MacAddress.parse(n.path("mac").asText()), dst, state, flags, 0, 0));
        }
        return out;
    }

    @Override
    public LinkSubscription subscribeLinks(Consumer<LinkEvent> listener) {
        Thread t = new Thread(() -> {
            Map<Integer, Link> last = new HashMap<>();
            try {
                linkList().forEach(l -> last.put(l.index(), l));
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(100);
                    Map<Integer, Link> now = new HashMap<>();
                    linkList().forEach(l -> now.put(l.index(), l));
                    now.forEach((i, l) -> {
                        if (!l.equals(last.get(i))) {
                            listener.accept(new LinkEvent.Changed(l));
                        }
                    });
                    last.forEach((i, l) -> {
                        if (!now.containsKey(i)) {
                            listener.accept(new LinkEvent.Deleted(l));
                        }
                    });
                    last.clear();
                    last.putAll(now);
                }
            } catch (InterruptedException | NetlinkException e) {
                // stop polling
            }
        }, "iproute-link-poller-" + ns);
        t.setDaemon(true);
        t.start();
        return t::interrupt;
    }

    @Override
    public NetNs namespace() {
        throw new UnsupportedOperationException("iproute2 test handle");
    }

    @Override
    public void close() {
    }
}
