package io.javaoverlay.server.dns;

import java.net.InetAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link LocalContainers} the daemon's Docker watcher keeps current: it calls
 * {@link #replaceAll} with every local container and every source address it may query from
 * (its docker_gwbridge address, and its overlay addresses). Lookups are lock-free reads of an
 * immutable map.
 */
public final class LocalContainerIndex implements LocalContainers {

    /** One container with the addresses its queries can come from. */
    public record Entry(LocalContainer container, Collection<InetAddress> sources) {
    }

    private volatile Map<InetAddress, LocalContainer> bySource = Map.of();

    /** Replaces the whole view. An address claimed by two containers is dropped (it cannot identify either). */
    public void replaceAll(Collection<Entry> entries) {
        Map<InetAddress, LocalContainer> m = new HashMap<>();
        Map<InetAddress, Boolean> clash = new HashMap<>();
        for (Entry e : entries) {
            for (InetAddress a : e.sources()) {
                LocalContainer prev = m.putIfAbsent(a, e.container());
                if (prev != null && !prev.containerId().equals(e.container().containerId())) {
                    clash.put(a, true);
                }
            }
        }
        clash.keySet().forEach(m::remove);
        bySource = Map.copyOf(m);
    }

    @Override
    public Optional<LocalContainer> bySource(InetAddress source) {
        return Optional.ofNullable(bySource.get(source));
    }

    /** Number of source addresses known. */
    public int size() {
        return bySource.size();
    }
}
