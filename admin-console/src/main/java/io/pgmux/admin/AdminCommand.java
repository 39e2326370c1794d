package io.pgmux.admin;

import io.pgmux.admin.control.ControlResult;
import io.pgmux.admin.control.PoolerControl;
import io.pgmux.admin.control.ShutdownMode;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** One parsed admin console query: a SHOW, a control command, or input PgBouncer rejects. */
public sealed interface AdminCommand {

    /** {@code SHOW x} or {@code SELECT x} for one of PgBouncer's SHOW subjects. */
    record Show(ShowSubject subject) implements AdminCommand {
        public Show {
            Objects.requireNonNull(subject, "subject");
        }
    }

    /** {@code SHOW client_encoding} and the like: a one-column, one-row answer with a fixed value. */
    record ShowParameter(FakeParameter parameter) implements AdminCommand {
        public ShowParameter {
            Objects.requireNonNull(parameter, "parameter");
        }
    }

    /**
     * {@code SET client_encoding = ...} and the like: answered with a "SET ignored" notice, for any user.
     *
     * @param parameter the parameter's name, lower case
     */
    record SetIgnored(String parameter) implements AdminCommand {
        public SetIgnored {
            Objects.requireNonNull(parameter, "parameter");
        }
    }

    /**
     * Input PgBouncer answers with an error. When {@code afterAdminCheck} is set PgBouncer checks admin rights
     * first, so a stats user gets "admin access needed" instead.
     */
    record Rejected(AdminError error, boolean afterAdminCheck) implements AdminCommand {
        public Rejected {
            Objects.requireNonNull(error, "error");
        }
    }

    /** A command that changes the pooler: admin users only; completes with its tag as CommandComplete. */
    sealed interface ControlCommand extends AdminCommand {
        /** The CommandComplete tag when the command succeeds. */
        String tag();

        /** Asks the pooler to carry out this command. */
        CompletionStage<ControlResult> sendTo(PoolerControl control);
    }

    /** PAUSE [db]; db null for all. */
    record Pause(String db) implements ControlCommand {
        @Override
        public String tag() {
            return "PAUSE";
        }

        @Override
        public CompletionStage<ControlResult> sendTo(PoolerControl control) {
            return control.pause(db);
        }
    }

    /** RESUME [db]; db null for all. */
    record Resume(String db) implements ControlCommand {
        @Override
        public String tag() {
            return "RESUME";
        }

        @Override
        public CompletionStage<ControlResult> sendTo(PoolerControl control) {
            return control.resume(db);
        }
    }

    /** SUSPEND. */
    record Suspend() implements ControlCommand {
        @Override
        public String tag() {
            return "SUSPEND";
        }

        @Override
        public CompletionStage<ControlResult> sendTo(PoolerControl control) {
            return control.suspend();
        }
    }

    /** DISABLE db. */
    record Disable(String db) implements ControlCommand {
        public Disable {
            Objects.requireNonNull(db, "db");
        }

        @Override
        public String tag() {
            return "DISABLE";
        }

        @Override
        public CompletionStage<ControlResult> sendTo(PoolerControl control) {
            return control.disable(db);
        }
    }

    /** ENABLE db. */
    record Enable(String db) implements ControlCommand {
        public Enable {
            Objects.requireNonNull(db, "db");
        }

        @Override
        public String tag() {
            return "ENABLE";
        }

        @Override
        public CompletionStage<ControlResult> sendTo(PoolerControl control) {
            return control.enable(db);
        }
    }

    /** RECONNECT [db]; db null for all. */
    record Reconnect(String db) implements ControlCommand {
        @Override
        public String tag() {
            return "RECONNECT";
        }

        @Override
        public CompletionStage<ControlResult> sendTo(PoolerControl control) {
            return control.reconnect(db);
        }
    }

    /** WAIT_CLOSE [db]; db null for all. */
    record WaitClose(String db) implements ControlCommand {
        @Override
        public String tag() {
            return "WAIT_CLOSE";
        }

        @Override
        public CompletionStage<ControlResult> sendTo(PoolerControl control) {
            return control.waitClose(db);
        }
    }

    /** KILL [db]; db null for all. */
    record Kill(String db) implements ControlCommand {
        @Override
        public String tag() {
            return "KILL";
        }

        @Override
        public CompletionStage<ControlResult> sendTo(PoolerControl control) {
            return control.kill(db);
        }
    }

    /** KILL_CLIENT id, the id of SHOW CLIENTS read as an unsigned 64-bit number. */
    record KillClient(long id) implements ControlCommand {
        @Override
        public String tag() {
            return "KILL_CLIENT";
        }

        @Override
        public CompletionStage<ControlResult> sendTo(PoolerControl control) {
            return control.killClient(id);
        }
    }

    /** RELOAD. */
    record Reload() implements ControlCommand {
        @Override
        public String tag() {
            return "RELOAD";
        }

        @Override
        public CompletionStage<ControlResult> sendTo(PoolerControl control) {
            return control.reload();
        }
    }

    /** SHUTDOWN [WAIT_FOR_SERVERS | WAIT_FOR_CLIENTS]. */
    record Shutdown(ShutdownMode mode) implements ControlCommand {
        public Shutdown {
            Objects.requireNonNull(mode, "mode");
        }

        @Override
        public String tag() {
            return "SHUTDOWN";
        }

        @Override
        public CompletionStage<ControlResult> sendTo(PoolerControl control) {
            return control.shutdown(mode);
        }
    }

    /** SET key = value, unquoted; the tag is {@code SET key=value} as PgBouncer writes it. */
    record Set(String key, String value) implements ControlCommand {
        public Set {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String tag() {
            return "SET " + key + "=" + value;
        }

        @Override
        public CompletionStage<ControlResult> sendTo(PoolerControl control) {
            return control.set(key, value);
        }
    }
}
