package io.javaoverlay.netlink.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javaoverlay.netlink.AlreadyExistsException;
import io.javaoverlay.netlink.BusyException;
import io.javaoverlay.netlink.DumpInterruptedException;
import io.javaoverlay.netlink.NetlinkException;
import io.javaoverlay.netlink.NotFoundException;
import io.javaoverlay.netlink.NotSupportedException;
import io.javaoverlay.netlink.PermissionDeniedException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ErrorsTest {

    static Stream<Arguments> mapping() {
        return Stream.of(
                Arguments.of(Named.of("EEXIST", 17), AlreadyExistsException.class),
                Arguments.of(Named.of("ENODEV", 19), NotFoundException.class),
                Arguments.of(Named.of("ENOENT", 2), NotFoundException.class),
                Arguments.of(Named.of("ESRCH", 3), NotFoundException.class),
                Arguments.of(Named.of("EADDRNOTAVAIL", 99), NotFoundException.class),
                Arguments.of(Named.of("EPERM", 1), PermissionDeniedException.class),
                Arguments.of(Named.of("EACCES", 13), PermissionDeniedException.class),
                Arguments.of(Named.of("EOPNOTSUPP", 95), NotSupportedException.class),
                Arguments.of(Named.of("EBUSY", 16), BusyException.class),
                Arguments.of(Named.of("EINVAL", 22), NetlinkException.class),
                Arguments.of(Named.of("ERANGE", 34), NetlinkException.class),
                Arguments.of(Named.of("unknown 4000", 4000), NetlinkException.class));
    }

    @ParameterizedTest
    @MethodSource("mapping")
    void errnoMapsToOneTypedException(int errno, Class<? extends NetlinkException> type) {
        NetlinkException e = Errors.of(errno, "RTM_NEWLINK jo-vx-4097", "VXLAN ID must be lower than 16777216");
        assertSame(type, e.getClass());
        assertEquals(errno, e.errno());
        assertEquals("RTM_NEWLINK jo-vx-4097", e.operation());
        assertEquals("VXLAN ID must be lower than 16777216", e.extAck().orElseThrow());
        assertTrue(e.getMessage().startsWith("RTM_NEWLINK jo-vx-4097: "), e.getMessage());
        assertTrue(e.getMessage().endsWith(": VXLAN ID must be lower than 16777216"), e.getMessage());
    }

    @Test
    void messageNamesTheErrno() {
        assertEquals("RTM_DELLINK jo-br0: ENODEV (no such device)", Errors.of(19, "RTM_DELLINK jo-br0", null).getMessage());
    }

    @Test
    void dumpInterruptedIsItsOwnType() {
        DumpInterruptedException e = Errors.dumpInterrupted("RTM_GETLINK dump");
        assertEquals(Errors.EINTR, e.errno());
        assertTrue(e.extAck().isEmpty());
    }
}
