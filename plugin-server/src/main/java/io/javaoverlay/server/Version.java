package io.javaoverlay.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The running build's version: the jar manifest, else Maven's pom.properties, else "dev". */
public final class Version {
    private Version() {
    }

    /** E.g. {@code 0.1.0-SNAPSHOT}. */
    public static String current() {
        String v = Version.class.getPackage().getImplementationVersion();
        if (v != null && !v.isBlank()) {
            return v;
        }
        try (InputStream in = Version.class.getResourceAsStream(
                "/META-INF/maven/io.javaoverlay/javaoverlay-plugin-server/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "dev");
            }
        } catch (IOException e) {
            // fall through
        }
        return "dev";
    }
}
