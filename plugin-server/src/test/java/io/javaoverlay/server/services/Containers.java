package io.javaoverlay.server.services;

import io.javaoverlay.server.dns.NameRecords.OverlayNetwork;
import io.javaoverlay.server.docker.ContainerInspect;

import java.util.List;
import java.util.Map;

/** Container fixtures. */
final class Containers {
    static final Map<String, OverlayNetwork> OVERLAYS = Map.of(
            "dn-front", new OverlayNetwork("cluster-front", "front"),
            "dn-back", new OverlayNetwork("cluster-back", "back"));

    private Containers() {
    }

    static ContainerInspect container(String id, String name, Map<String, String> labels, Map<String, String> env,
                                      List<String> exposed, boolean running, String health) {
        return new ContainerInspect(id, name, labels, env, exposed, running, health, Map.of(
                "front", new ContainerInspect.Attachment("dn-front", "ep-" + id, "10.77.0." + (id.hashCode() & 0x7f),
                        null, List.of()),
                "bridge", new ContainerInspect.Attachment("dn-bridge", "ep-b" + id, "172.17.0.9", null, List.of())));
    }
}
