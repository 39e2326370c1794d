package io.pgmux.admin;

import io.pgmux.admin.control.ControlResult;
import io.pgmux.admin.control.PoolerControl;
import io.pgmux.admin.control.ShutdownMode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A PoolerControl that records each call as text ({@code pause(db)}) and answers every call with {@link #reply}. */
public final class RecordingPoolerControl implements PoolerControl {
    public final List<String> calls = new ArrayList<>();
    public CompletionStage<ControlResult> reply = CompletableFuture.completedFuture(ControlResult.DONE);

    private CompletionStage<ControlResult> record(String call) {
        calls.add(call);
        return reply;
    }

    @Override
    public CompletionStage<ControlResult> pause(String db) {
        return record("pause(" + db + ")");
    }

    @Override
    public CompletionStage<ControlResult> resume(String db) {
        return record("resume(" + db + ")");
    }

    @Override
    public CompletionStage<ControlResult> suspend() {
        return record("suspend()");
    }

    @Override
    public CompletionStage<ControlResult> disable(String db) {
        return record("disable(" + db + ")");
    }

    @Override
    public CompletionStage<ControlResult> enable(String db) {
        return record("enable(" + db + ")");
    }

    @Override
    public CompletionStage<ControlResult> reconnect(String db) {
        return record("reconnect(" + db + ")");
    }

    @Override
    public CompletionStage<ControlResult> waitClose(String db) {
        return record("waitClose(" + db + ")");
    }

    @Override
    public CompletionStage<ControlResult> kill(String db) {
        return record("kill(" + db + ")");
    }

    @Override
    public CompletionStage<ControlResult> killClient(long id) {
        return record("killClient(" + Long.toUnsignedString(id) + ")");
    }

    @Override
    public CompletionStage<ControlResult> reload() {
        return record("reload()");
    }

    @Override
    public CompletionStage<ControlResult> shutdown(ShutdownMode mode) {
        return record("shutdown(" + mode + ")");
    }

    @Override
    public CompletionStage<ControlResult> set(String key, String value) {
        return record("set(" + key + ", " + value + ")");
    }
}
