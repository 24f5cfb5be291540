package io.javaoverlay.vxlan.firewall;

import java.io.IOException;

/** A firewall program that is not installed (not on PATH, nor in /usr/sbin or /sbin). */
public final class CommandNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;
    private final String program;

    /** @param program the program's name, such as {@code nft} */
    public CommandNotFoundException(String program) {
        super(program + " is not installed (not found on PATH, /usr/sbin or /sbin)");
        this.program = program;
    }

    /** The program that is missing. */
    public String program() {
        return program;
    }
}
