package io.javaoverlay.vxlan.firewall;

/** What one {@link HostFirewall#ensure()} did to one part of the firewall. */
public enum Outcome {
    /** Already as wanted; nothing was changed. */
    IN_PLACE,
    /** Programmed for the first time by this process (start-up, or a new allowed set). */
    INSTALLED,
    /** Was in place before and had been removed or changed from outside (flush, reload); put back. */
    RESTORED,
    /** Deliberately not programmed: the filter is turned off, or no registered VTEP is known yet. */
    OFF,
    /** The tool is missing or the kernel lacks the feature (one warning was logged). */
    UNAVAILABLE,
    /** A command failed or timed out; retried at the next resync (the warning names the cause). */
    FAILED
}
