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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

    static Arguments tc(String name, List<Link> links, List<String> deleted) {
        return Arguments.of(Named.of(name, links), deleted);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                tc("devices of a live network stay", List.of(br(1, 5, "javaoverlay:live"), vx(2, 5, "javaoverlay:live"),
                        veth(3, "jo-h-ep1", "javaoverlay:live/ep1")), List.of()),
                tc("devices of a deleted network go, host end first", List.of(br(1, 9, "javaoverlay:dead"),
                        vx(2, 9, "javaoverlay:dead"), veth(3, "jo-h-ep9", "javaoverlay:dead/ep9")),
                        List.of("jo-h-ep9", "jo-vx-9", "jo-br-9")),
                tc("host end of an endpoint that left this host goes", List.of(
                        veth(3, "jo-h-gone", "javaoverlay:live/gone"), veth(4, "jo-h-remote", "javaoverlay:live/remote")),
                        List.of("jo-h-gone", "jo-h-remote")),
                tc("alias-less devices named like ours: kept if the VNI is claimed, else removed", List.of(
                        br(1, 5, null), vx(2, 5, null), vx(3, 77, null), veth(4, "jo-h-abcdef12", null)),
                        List.of("jo-h-abcdef12", "jo-vx-77")),
                tc("foreign devices are never touched, whatever their name", List.of(
                        br(1, 77, "someone-else"), new Device(attrs(2, "eth0", null)), veth(3, "veth123", null),
                        new Bridge(attrs(4, "docker0", null)), veth(5, "jo-h-x", "other:thing")), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void collects(List<Link> links, List<String> deleted) {
        List<Action> plan = GarbageCollector.plan(links, Set.of("live"), Map.of("live", Set.of("ep1")), Map.of(5, "live"));
        assertEquals(deleted, plan.stream().map(a -> ((Action.DeleteLink) a).name()).toList());
    }
}
