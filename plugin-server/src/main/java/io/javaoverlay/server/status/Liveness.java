package io.javaoverlay.server.status;

import java.util.Locale;

/** A host's liveness as one observer sees it (the states of the membership design). */
public enum Liveness {
    /** It beats. */
    ALIVE,
    /** No beat, but the machine answers (plugin or its store path down): its peers are kept. */
    SILENT,
    /** No beat and no answer: its peers are withdrawn. */
    DEAD,
    /** This daemon has no liveness source for it (no registrations in this mode). */
    UNKNOWN;

    /** The JSON/CLI spelling, lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
