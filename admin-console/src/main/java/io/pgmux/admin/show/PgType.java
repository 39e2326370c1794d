package io.pgmux.admin.show;

/** The PostgreSQL types of admin console columns, with the OID and size RowDescription carries. */
public enum PgType {
    /** PgBouncer's {@code s}, and {@code T} (timestamps, sent as text). */
    TEXT(25, -1),
    /** PgBouncer's {@code i}. */
    INT4(23, 4),
    /** PgBouncer's {@code q}. */
    INT8(20, 8),
    /** PgBouncer's {@code N} (unsigned 64-bit counters). */
    NUMERIC(1700, -1),
    /** PgBouncer's {@code b}. */
    BYTEA(17, -1);

    private final int oid;
    private final int typeSize;

    PgType(int oid, int typeSize) {
        this.oid = oid;
        this.typeSize = typeSize;
    }

    /** The type OID. */
    public int oid() {
        return oid;
    }

    /** The type size (typlen): bytes, or -1 for a variable-length type. */
    public int typeSize() {
        return typeSize;
    }
}
