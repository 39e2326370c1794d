package io.pgmux.admin.control;

import io.pgmux.admin.AdminError;
import io.pgmux.admin.AdminNotice;
import java.util.Objects;

/** What the pooler answers a control command: done (perhaps with a notice), or refused with PgBouncer's error. */
public sealed interface ControlResult {
    /** Done without a notice. */
    ControlResult DONE = new Done(null);

    /** Done with this notice. */
    static ControlResult done(AdminNotice notice) {
        return new Done(Objects.requireNonNull(notice, "notice"));
    }

    /** Refused; nothing changed. */
    static ControlResult refused(AdminError error) {
        return new Refused(error);
    }

    /** The command took effect; {@code notice} is null when there is none. */
    record Done(AdminNotice notice) implements ControlResult {
    }

    /** The command was refused with this error. */
    record Refused(AdminError error) implements ControlResult {
        public Refused {
            Objects.requireNonNull(error, "error");
        }
    }
}
