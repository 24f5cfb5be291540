package io.javaoverlay.netlink.testing;

import io.javaoverlay.netlink.NetNs;
import io.javaoverlay.netlink.Netlink;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away named namespace {@code jo-it-<random>} with a handle bound to it. Created by
 * {@link FreshNetnsExtension} before each test and deleted after it, together with any extra
 * namespaces the test made through {@link #another}.
 */
public final class TestNetns implements AutoCloseable {
    private final String name;
    private final NetNs ns;
    private final NetlinkHandle handle;
    private final List<TestNetns> extras = new ArrayList<>();

    private TestNetns(String name, NetNs ns, NetlinkHandle handle) {
        this.name = name;
        this.ns = ns;
        this.handle = handle;
    }

    /** Creates {@code name} (which must start with {@code jo-}) with this module and opens a handle in it. */
    public static TestNetns create(String name) throws NetlinkException {
        if (!name.startsWith("jo-")) {
            throw new IllegalArgumentException("test namespaces are named jo-*: " + name);
        }
        NetNs ns = Netlink.createNamedNs(name);
        try {
            return new TestNetns(name, ns, Netlink.openIn(ns));
        } catch (NetlinkException | RuntimeException e) {
            ns.close();
            Netlink.deleteNamedNs(name);
            throw e;
        }
    }

    /** A random {@code jo-it-xxxxxxxx} name. */
    public static String randomName(String prefix) {
        return prefix + String.format("%08x", java.util.concurrent.ThreadLocalRandom.current().nextInt());
    }

    /** One more namespace {@code <name>-<suffix>}, deleted with this one. */
    public TestNetns another(String suffix) throws NetlinkException {
        TestNetns t = create(name + "-" + suffix);
        extras.add(t);
        return t;
    }

    public String name() {
        return name;
    }

    public NetNs ns() {
        return ns;
    }

    public NetlinkHandle handle() {
        return handle;
    }

    /** {@code ip -n NAME args...}; fails the test on a non-zero exit. */
    public String ip(String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "ip";
        cmd[1] = "-n";
        cmd[2] = name;
        System.arraycopy(args, 0, cmd, 3, args.length);
        return IpRoute2.check(cmd);
    }

    /** {@code bridge -n NAME args...}; fails the test on a non-zero exit. */
    public String bridge(String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "bridge";
        cmd[1] = "-n";
        cmd[2] = name;
        System.arraycopy(args, 0, cmd, 3, args.length);
        return IpRoute2.check(cmd);
    }

    /** {@code ip netns exec NAME command...}. */
    public IpRoute2.Result exec(String... command) {
        String[] cmd = new String[command.length + 4];
        cmd[0] = "ip";
        cmd[1] = "netns";
        cmd[2] = "exec";
        cmd[3] = name;
        System.arraycopy(command, 0, cmd, 4, command.length);
        return IpRoute2.run(cmd);
    }

    /** Closes handles and deletes every namespace this object created. */
    @Override
    public void close() throws NetlinkException {
        NetlinkException first = null;
        for (TestNetns t : extras) {
            try {
                t.close();
            } catch (NetlinkException e) {
                first = first == null ? e : first;
            }
        }
        handle.close();
        ns.close();
        Netlink.deleteNamedNs(name);
        if (first != null) {
            throw first;
        }
    }
}
