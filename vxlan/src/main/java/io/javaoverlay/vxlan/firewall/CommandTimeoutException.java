package io.javaoverlay.vxlan.firewall;

import java.io.IOException;

/** A firewall command that did not finish in time; the runner has killed it. */
public final class CommandTimeoutException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message names the command and the limit */
    public CommandTimeoutException(String message) {
        super(message);
    }
}
