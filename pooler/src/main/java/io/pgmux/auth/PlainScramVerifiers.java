package io.pgmux.auth;

import io.pgmux.config.Secret;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SCRAM verifiers derived once from plain auth_file passwords, as PgBouncer caches them. Without the cache every
 * SCRAM login against a plain password would run PBKDF2, which also makes a known user measurably slower to refuse
 * than an unknown one.
 */
public final class PlainScramVerifiers {
    private final Map<String, Secret.Scram> verifiers = new ConcurrentHashMap<>();
    private final int iterations;

    public PlainScramVerifiers(int iterations) {
        this.iterations = iterations;
    }

    /** The iteration count of derived verifiers (scram_iterations). */
    public int iterations() {
        return iterations;
    }

    /** The verifier for this password, derived on first use with a random salt. */
    public Secret.Scram verifierFor(Secret.Plain plain) {
        return verifiers.computeIfAbsent(plain.password(), p -> ScramKeys.fromPassword(p, iterations));
    }
}
