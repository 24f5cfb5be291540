package io.javaoverlay.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's flags table and {@code --help} list the same flags with the same environment
 * variables, both ways: a flag added to one and not the other fails here.
 */
class ReadmeFlagsTest {
    private static final Pattern README_ROW = Pattern.compile("^\\| `--([a-z0-9-]+)[^|]*(?:\\\\\\|[^|]*)*\\| `([A-Z0-9_]+)`");
    private static final Pattern HELP_LINE = Pattern.compile("^  --([a-z0-9-]+) \\S.*\\[\\$([A-Z0-9_]+)]$");

    static Map<String, String> readmeFlags(String readme) {
        Map<String, String> out = new TreeMap<>();
        boolean inTable = false;
        for (String line : readme.lines().toList()) {
            if (line.startsWith("| flag | environment | default |")) {
                inTable = true;
                continue;
            }
            if (inTable && !line.startsWith("|")) {
                break;
            }
            Matcher m = README_ROW.matcher(line);
            if (inTable && m.find()) {
                assertFalse(out.containsKey(m.group(1)), "README lists --" + m.group(1) + " twice");
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }

    static Map<String, String> helpFlags(String help) {
        Map<String, String> out = new TreeMap<>();
        for (String line : help.lines().toList()) {
            Matcher m = HELP_LINE.matcher(line);
            if (m.matches()) {
                out.put(m.group(1), m.group(2));
            }
        }
        return out;
    }

    @Test
    void readmeTableMatchesHelpBothWays() throws Exception {
        Path readme = Path.of(System.getProperty("user.dir")).getParent().resolve("README.md");
        Map<String, String> documented = readmeFlags(Files.readString(readme));
        Map<String, String> printed = helpFlags(CommandLine.usage());
        assertTrue(printed.size() >= 18, "--help lists the flags: " + printed);
        for (var e : printed.entrySet()) {
            assertEquals(e.getValue(), documented.get(e.getKey()),
                    "--" + e.getKey() + " [$" + e.getValue() + "] is in --help; the README flags table must list it with that variable");
        }
        for (var e : documented.entrySet()) {
            assertEquals(e.getValue(), printed.get(e.getKey()),
                    "--" + e.getKey() + " is in the README flags table but --help does not print it with $" + e.getValue());
        }
    }

    @Test
    void theParsersSeeWhatTheyShould() {
        String readme = "x\n| flag | environment | default |\n|---|---|---|\n"
                + "| `--scope local\\|global` | `JAVAOVERLAY_SCOPE` | `local` |\n"
                + "| `--store URI` or `file:///DIR` | `JAVAOVERLAY_STORE` (`CONSUL_HTTP_ADDR` is honoured) | x |\n\nafter\n"
                + "| `--not-in-table X` | `NOPE` | |\n";
        assertEquals(Map.of("scope", "JAVAOVERLAY_SCOPE", "store", "JAVAOVERLAY_STORE"), readmeFlags(readme));
        assertEquals(Map.of("scope", "JAVAOVERLAY_SCOPE"),
                helpFlags("  --scope local|global   [$JAVAOVERLAY_SCOPE]\n      Scope. Default: local.\n  -h, --help\n"));
    }
}
