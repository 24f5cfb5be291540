package io.javaoverlay.types;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Six groups of two hex digits, one separator throughout; lowercase colon form out. */
class MacAddressTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"02:42:0a:14:00:05", "02:42:0A:14:00:05", "02-42-0a-14-00-05", " 02:42:0a:14:00:05 "})
    void acceptsBothSeparatorsAndEitherCase(String text) {
        assertEquals("02:42:0a:14:00:05", MacAddress.parse(text).toString());
    }

    @ParameterizedTest(name = "''{0}'' is refused")
    @ValueSource(strings = {"02:42:0a:14:00", "02:42:0a:14:00:05:06", "02:42-0a:14:00:05", "+2:42:0a:14:00:05",
            "2:42:0a:14:00:05:", "02:42:0g:14:00:05", "024:2:0a:14:00:05", "02.42.0a.14.00.05", "０2:42:0a:14:00:05", ""})
    void refusesEverythingElse(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(text));
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void zeroAndGroupAddresses() {
        assertTrue(MacAddress.ZERO.isZero());
        assertTrue(MacAddress.parse("ff:ff:ff:ff:ff:ff").isMulticast());
        assertFalse(MacAddress.parse("02:42:0a:14:00:05").isMulticast());
        assertThrows(IllegalArgumentException.class, () -> MacAddress.of(new byte[5]));
    }
}
