package io.javaoverlay.server.dns;

import io.javaoverlay.types.IpAddress;

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
    public record Entry(LocalContainer container, Collection<IpAddress> sources) {
    }

    private volatile Map<IpAddress, LocalContainer> bySource = Map.of();

    /** Replaces the whole view. An address claimed by two containers is dropped (it cannot identify either). */
    public void replaceAll(Collection<Entry> entries) {
        Map<IpAddress, LocalContainer> m = new HashMap<>();
        Map<IpAddress, Boolean> clash = new HashMap<>();
        for (Entry e : entries) {
            for (IpAddress a : e.sources()) {
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
    public Optional<LocalContainer> bySource(IpAddress source) {
        return Optional.ofNullable(bySource.get(source));
    }

    /** Number of source addresses known. */
    public int size() {
        return bySource.size();
    }
}
