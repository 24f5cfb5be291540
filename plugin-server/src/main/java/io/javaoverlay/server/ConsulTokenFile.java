package io.javaoverlay.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * {@code --consul-token-file}: the ACL token read from a file at start, so that it never appears on
 * the command line ({@code ps}) or in a unit file. Like ssh with private keys, a file that others
 * can read is refused; a group-readable one (e.g. {@code root:consul 0640}) is accepted with a
 * warning.
 */
final class ConsulTokenFile {
    private static final System.Logger LOG = System.getLogger(ConsulTokenFile.class.getName());

    private ConsulTokenFile() {
    }

    /**
     * Reads the token (surrounding whitespace trimmed).
     *
     * @throws IOException naming the file and the problem: unreadable, readable by others, or empty
     */
    static String read(Path file) throws IOException {
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (IOException e) {
            throw new IOException("cannot read the Consul token file " + file + ": " + e, e);
        }
        String mode = PosixFilePermissions.toString(perms);
        if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException("the Consul token file " + file + " is accessible by others (" + mode
                    + "); refusing to use it: chmod 600 " + file);
        }
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.GROUP_WRITE)) {
            LOG.log(Level.WARNING, "the Consul token file " + file + " is readable by its group (" + mode
                    + "); chmod 600 " + file + " unless that is intended");
        }
        String token = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (token.isEmpty()) {
            throw new IOException("the Consul token file " + file + " is empty");
        }
        if (token.contains("\n")) {
            throw new IOException("the Consul token file " + file + " holds more than one line; it must hold only the token");
        }
        return token;
    }
}
