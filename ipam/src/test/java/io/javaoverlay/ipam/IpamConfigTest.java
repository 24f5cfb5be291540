package io.javaoverlay.ipam;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The static IPAM configuration refuses default pools that cannot be split as asked, and carries the scope. */
class IpamConfigTest {

    @ParameterizedTest(name = "default pool {0} in /{1}s is refused")
    @CsvSource({"10.200.0.0/16, 8", "10.200.0.0/16, 33", "fd00::/48, 129"})
    void defaultPoolSplitMustFit(String base, int size) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> IpamConfig.DefaultPool.parse(base, size));
        assertTrue(e.getMessage().contains(base) && e.getMessage().contains("/" + size), e.getMessage());
    }

    @Test
    void defaultPoolsMustMatchTheirFamily() {
        IpamConfig d = IpamConfig.defaults("h");
        assertThrows(IllegalArgumentException.class, () -> d.withDefaultPools(d.defaultV6Pools(), d.defaultV4Pools()));
        assertThrows(IllegalArgumentException.class, () -> d.withHostId(" "));
    }

    @Test
    void scopeIsLocalByDefaultAndParsedFromTheDriverFlag() {
        assertEquals(IpamConfig.Scope.LOCAL, IpamConfig.defaults("h").scope());
        assertEquals(IpamConfig.Scope.GLOBAL, IpamConfig.Scope.parse("global"));
        assertEquals(IpamConfig.Scope.LOCAL, IpamConfig.Scope.parse("local"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IpamConfig.Scope.parse("swarm"));
        assertTrue(e.getMessage().contains("'swarm'"), e.getMessage());
        assertEquals(IpamConfig.Scope.GLOBAL, IpamConfig.defaults("h").withScope(IpamConfig.Scope.GLOBAL).scope());
        assertThrows(NullPointerException.class, () -> IpamConfig.defaults("h").withScope(null));
    }

}
