package io.javaoverlay.vxlan.reconcile;

import io.javaoverlay.netlink.Bridge;
import io.javaoverlay.netlink.Device;
import io.javaoverlay.netlink.Link;
import io.javaoverlay.netlink.LinkAttrs;
import io.javaoverlay.netlink.Veth;
import io.javaoverlay.netlink.Vxlan;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GarbageCollectorTest {

    static LinkAttrs attrs(int idx, String name, String alias) {
        return new LinkAttrs(idx, name, 1350, Optional.empty(), 0, true, true, Optional.ofNullable(alias));
    }

    static Link br(int idx, int vni, String alias) {
        return new Bridge(attrs(idx, "jo-br-" + vni, alias));
    }

    static Link vx(int idx, int vni, String alias) {
        return Vxlan.builder(attrs(idx, "jo-vx-" + vni, alias), vni).learning(false).proxy(true).build();
    }

    static Link veth(int idx, String name, String alias) {
        return new Veth(attrs(idx, name, alias), "", Optional.empty(), 0);
    }

    static Link port(int idx, String name, String alias, int master) {
        return new Veth(new LinkAttrs(idx, name, 1350, Optional.empty(), master, true, true, Optional.ofNullable(alias)),
                "", Optional.empty(), 0);
    }

    static Arguments tc(String name, List<Link> links, List<String> deleted) {
        return Arguments.of(Named.of(name, links), deleted);
    }

    /** Whatever the store says (the collector never asks it): only the kernel's evidence counts. */
    static Stream<Arguments> cases() {
        return Stream.of(
                tc("a network with a port keeps its devices and the port", List.of(br(1, 5, "javaoverlay:live"),
                        vx(2, 5, "javaoverlay:live"), port(3, "jo-h-ep1", "javaoverlay:live/ep1", 1)), List.of()),
                tc("a port is never collected, even of a network the store no longer has", List.of(
                        br(1, 9, "javaoverlay:dead"), vx(2, 9, "javaoverlay:dead"),
                        port(3, "jo-h-ep9", "javaoverlay:dead/ep9", 1)), List.of()),
                tc("a port off its bridge still keeps its network's devices", List.of(br(1, 9, "javaoverlay:n9"),
                        vx(2, 9, "javaoverlay:n9"), port(3, "jo-h-ep9", "javaoverlay:n9/ep9", 0)), List.of()),
                tc("devices of a network without ports go, vxlan first", List.of(br(1, 9, "javaoverlay:dead"),
                        vx(2, 9, "javaoverlay:dead")), List.of("jo-vx-9", "jo-br-9")),
                tc("alias-less devices named like ours: kept while a port is on jo-br-N, else removed", List.of(
                        br(1, 5, null), vx(2, 5, null), port(3, "jo-h-x", "javaoverlay:n5/x", 1), vx(4, 77, null),
                        br(5, 78, null)),
                        List.of("jo-vx-77", "jo-br-78")),
                tc("a host end without alias is an unfinished Join", List.of(veth(4, "jo-h-abcdef12", null)),
                        List.of("jo-h-abcdef12")),
                tc("foreign devices are never touched, whatever their name", List.of(
                        br(1, 77, "someone-else"), new Device(attrs(2, "eth0", null)), veth(3, "veth123", null),
                        new Bridge(attrs(4, "docker0", null)), veth(5, "jo-h-x", "other:thing"),
                        veth(6, "jo-c-abc", null)), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void collects(List<Link> links, List<String> deleted) {
        List<Action> plan = GarbageCollector.plan(links);
        assertEquals(deleted, plan.stream().map(a -> ((Action.DeleteLink) a).name()).toList());
    }
}
