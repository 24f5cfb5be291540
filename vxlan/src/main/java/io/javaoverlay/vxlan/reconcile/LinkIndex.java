package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkEvent;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NetlinkHandle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * This host's javaoverlay devices (alias {@code javaoverlay:...} or one of our name shapes), kept
 * without dumping every link of the host on every pass: one full dump at start, then the link-event
 * subscription keeps it current, and a full dump again after an event overflow and at every
 * periodic resync (the safety net). Our own creations and deletions are written through at once, so
 * a pass that follows a Join on the same executor sees the new port before its event arrives.
 *
 * <p>Updates carry a stamp; a full dump that ran while a newer update arrived keeps the newer one
 * (a dump is a snapshot from its start, an event or a write-through is newer than that). Without a
 * subscription every read dumps, as before. Indexed by ifindex (names can change and be reused), with
 * the network named by the alias as a second key, so a pass costs the size of its own network.
 */
public final class LinkIndex {
    private final NetlinkHandle handle;
    private final Map<Integer, Link> byIndex = new HashMap<>();
    private final Map<String, Set<Integer>> byNetwork = new HashMap<>();
    /** Stamp of the last update per ifindex, also for removed ones (until the next dump consumed them). */
    private final Map<Integer, Long> stamps = new HashMap<>();
    private long stamp;
    private boolean live;
    private boolean stale = true;

    public LinkIndex(NetlinkHandle handle) {
        this.handle = handle;
    }

    /** True when {@code l} is one of ours by alias or by name. */
    static boolean owned(Link l) {
        return l.attrs().alias().map(a -> a.startsWith(DeviceNames.ALIAS_PREFIX)).orElse(false)
                || DeviceNames.hasOwnedName(l.name());
    }

    /** A subscription feeds the index from now on (or no longer: then every read dumps). */
    public synchronized void setLive(boolean on) {
        live = on;
        stale = true;
    }

    /** Applies a link event; an overflow makes the next read dump everything. */
    public void onEvent(LinkEvent ev) {
        if (ev instanceof LinkEvent.Overflow) {
            synchronized (this) {
                stale = true;
            }
        } else if (ev instanceof LinkEvent.Changed c) {
            put(c.link());
        } else if (ev instanceof LinkEvent.Deleted d) {
            remove(d.link().index());
        }
    }

    /** Records {@code l} as the kernel has it now (from an event or read back after a change). */
    public synchronized void put(Link l) {
        stamps.put(l.index(), ++stamp);
        store(l);
    }

    /** Records that ifindex {@code index} is gone. */
    public synchronized void remove(int index) {
        stamps.put(index, ++stamp);
        drop(index);
    }

    /** Dumps every link now and merges it in (updates newer than the dump's start win). */
    public void refresh() throws NetlinkException {
        long start;
        synchronized (this) {
            start = ++stamp;
            stale = false;
        }
        List<Link> all;
        try {
            all = handle.linkList();
        } catch (NetlinkException | RuntimeException e) {
            synchronized (this) {
                stale = true;
            }
            throw e;
        }
        synchronized (this) {
            Set<Integer> seen = new HashSet<>();
            for (Link l : all) {
                if (!owned(l)) {
                    continue;
                }
                seen.add(l.index());
                if (stamps.getOrDefault(l.index(), 0L) < start) {
                    store(l);
                }
            }
            for (Integer idx : new ArrayList<>(byIndex.keySet())) {
                if (!seen.contains(idx) && stamps.getOrDefault(idx, 0L) < start) {
                    drop(idx);
                }
            }
            stamps.values().removeIf(s -> s < start); // the dump superseded them
        }
    }

    /** Dumps first when the index cannot be trusted (no subscription, or events were lost). */
    private void fresh() throws NetlinkException {
        boolean dump;
        synchronized (this) {
            dump = stale || !live;
        }
        if (dump) {
            refresh();
        }
    }

    /** The links whose alias names network {@code networkId} (its devices and its ports). */
    public List<Link> ofNetwork(String networkId) throws NetlinkException {
        fresh();
        synchronized (this) {
            List<Link> out = new ArrayList<>();
            for (Integer idx : byNetwork.getOrDefault(networkId, Set.of())) {
                out.add(byIndex.get(idx));
            }
            return out;
        }
    }

    /** Networks that own a device or port on this host, by alias. */
    public Set<String> networks() throws NetlinkException {
        fresh();
        synchronized (this) {
            return new TreeSet<>(byNetwork.keySet());
        }
    }

    /** True when network {@code networkId} owns a device or port here (as far as the index knows, no dump). */
    public synchronized boolean hasState(String networkId) {
        return byNetwork.containsKey(networkId);
    }

    /** Every owned link (for the garbage collector). */
    public List<Link> all() throws NetlinkException {
        fresh();
        synchronized (this) {
            return List.copyOf(byIndex.values());
        }
    }

    /** The owned link called {@code name}, as far as the index knows. */
    public synchronized Optional<Link> byName(String name) {
        return byIndex.values().stream().filter(l -> l.name().equals(name)).findFirst();
    }

    private void store(Link l) {
        drop(l.index());
        if (!owned(l)) {
            return;
        }
        byIndex.put(l.index(), l);
        DeviceNames.parseAlias(l.attrs().alias()).ifPresent(o ->
                byNetwork.computeIfAbsent(o.networkId(), k -> new HashSet<>()).add(l.index()));
    }

    private void drop(int index) {
        Link old = byIndex.remove(index);
        if (old == null) {
            return;
        }
        DeviceNames.parseAlias(old.attrs().alias()).ifPresent(o -> {
            Set<Integer> s = byNetwork.get(o.networkId());
            if (s != null) {
                s.remove(index);
                if (s.isEmpty()) {
                    byNetwork.remove(o.networkId());
                }
            }
        });
    }
}
