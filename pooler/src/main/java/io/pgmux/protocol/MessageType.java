package io.pgmux.protocol;

/** Type bytes of the PostgreSQL v3 protocol messages that pgmux looks at, with their protocol names. */
public final class MessageType {
    private MessageType() {
    }

    // Frontend (client to server)
    /** Query. */
    public static final byte QUERY = 'Q';
    /** Parse. */
    public static final byte PARSE = 'P';
    /** Bind. */
    public static final byte BIND = 'B';
    /** Execute. */
    public static final byte EXECUTE = 'E';
    /** Sync. */
    public static final byte SYNC = 'S';
    /** Terminate. */
    public static final byte TERMINATE = 'X';
    /** PasswordMessage, SASLInitialResponse and SASLResponse share this byte. */
    public static final byte PASSWORD = 'p';
    /** CopyData (both directions). */
    public static final byte COPY_DATA = 'd';
    /** CopyDone (both directions). */
    public static final byte COPY_DONE = 'c';
    /** CopyFail. */
    public static final byte COPY_FAIL = 'f';

    // Backend (server to client)
    /** ReadyForQuery: one status byte, I, T or E. */
    public static final byte READY_FOR_QUERY = 'Z';
    /** RowDescription. */
    public static final byte ROW_DESCRIPTION = 'T';
    /** DataRow. */
    public static final byte DATA_ROW = 'D';
    /** CommandComplete. */
    public static final byte COMMAND_COMPLETE = 'C';
    /** ErrorResponse. */
    public static final byte ERROR_RESPONSE = 'E';
    /** NoticeResponse. */
    public static final byte NOTICE_RESPONSE = 'N';
    /** ParameterStatus. */
    public static final byte PARAMETER_STATUS = 'S';
    /** BackendKeyData. */
    public static final byte BACKEND_KEY_DATA = 'K';
    /** Authentication* requests. */
    public static final byte AUTHENTICATION = 'R';
    /** CopyInResponse. */
    public static final byte COPY_IN_RESPONSE = 'G';
    /** CopyOutResponse. */
    public static final byte COPY_OUT_RESPONSE = 'H';
    /** CopyBothResponse. */
    public static final byte COPY_BOTH_RESPONSE = 'W';
    /** NegotiateProtocolVersion. */
    public static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';

    // Authentication request codes (the int32 after 'R')
    /** AuthenticationOk. */
    public static final int AUTH_OK = 0;
    /** AuthenticationCleartextPassword. */
    public static final int AUTH_CLEARTEXT = 3;
    /** AuthenticationMD5Password, followed by a 4-byte salt. */
    public static final int AUTH_MD5 = 5;
    /** AuthenticationSASL, followed by mechanism names. */
    public static final int AUTH_SASL = 10;
    /** AuthenticationSASLContinue. */
    public static final int AUTH_SASL_CONTINUE = 11;
    /** AuthenticationSASLFinal. */
    public static final int AUTH_SASL_FINAL = 12;

    // Startup-phase codes (the int32 after the length)
    /** Protocol 3.0 StartupMessage. */
    public static final int PROTOCOL_3_0 = 196608;
    /** CancelRequest. */
    public static final int CANCEL_REQUEST_CODE = 80877102;
    /** SSLRequest. */
    public static final int SSL_REQUEST_CODE = 80877103;
    /** GSSENCRequest. */
    public static final int GSSENC_REQUEST_CODE = 80877104;

    // ReadyForQuery transaction status
    /** Idle: not in a transaction block. */
    public static final byte TX_IDLE = 'I';
    /** In a transaction block. */
    public static final byte TX_IN_TRANSACTION = 'T';
    /** In a failed transaction block. */
    public static final byte TX_FAILED = 'E';
}
