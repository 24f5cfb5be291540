package io.javaoverlay.server.status;

import io.javaoverlay.server.CommandLine;
import io.javaoverlay.server.DaemonConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The running configuration as status shows it: every flag, the token never. */
class ConfigViewTest {
    static final String TOKEN = "3f1b6c2a-8d9e-4f00-b1c2-secret-token";

    static DaemonConfig parse(Map<String, String> env, String... args) {
        CommandLine.Parsed p = CommandLine.parse(List.of(args), env);
        return assertInstanceOf(CommandLine.Run.class, p, p.toString()).config();
    }

    @Test
    void tokenIsMaskedFromFlagAndFromEnvironment() {
        for (DaemonConfig c : List.of(parse(Map.of(), "daemon", "--consul-token", TOKEN),
                parse(Map.of("CONSUL_HTTP_TOKEN", TOKEN), "daemon"))) {
            Map<String, String> view = ConfigView.of(c);
            assertEquals(ConfigView.MASK, view.get("consul-token"));
            assertFalse(view.toString().contains(TOKEN), view.toString());
            assertFalse(view.toString().contains("secret-token"), view.toString());
        }
        assertEquals("(none)", ConfigView.of(parse(Map.of(), "daemon")).get("consul-token"));
    }

    @Test
    void everyHelpFlagIsShown() {
        Map<String, String> view = ConfigView.of(parse(Map.of(), "daemon", "--metrics-addr", "127.0.0.1:9477",
                "--dead-host-retention", "90m"));
        for (String line : CommandLine.usage().lines().toList()) {
            if (line.startsWith("  --")) {
                String flag = line.substring(4, line.indexOf(' ', 4));
                assertTrue(view.containsKey(flag), "status shows --" + flag + ": " + view.keySet());
            }
        }
        assertEquals("127.0.0.1:9477", view.get("metrics-addr"));
        assertEquals("1h30m", view.get("dead-host-retention"));
        assertEquals("30s", view.get("resync-interval"));
        assertEquals("1m", view.get("endpoint-grace"));
        assertEquals("6s", view.get("dead-host-timeout"));
        assertEquals("500ms", ConfigView.duration(java.time.Duration.ofMillis(500)));
        assertEquals("1h10s", ConfigView.duration(java.time.Duration.ofSeconds(3610)));
    }

    @Test
    void scrubRemovesASecretFromText() {
        assertEquals("ACL not found for token " + ConfigView.MASK, ConfigView.scrub("ACL not found for token " + TOKEN, TOKEN));
    }
}
