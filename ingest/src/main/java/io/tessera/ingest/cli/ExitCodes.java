package io.tessera.ingest.cli;

/** The exit codes of every {@code tessera} client command, for scripts. */
public final class ExitCodes {

    /** Done. */
    public static final int OK = 0;
    /** Failed for another reason (the gateway refused with 5xx or 429, the stream broke, a timeout, ...). */
    public static final int FAILURE = 1;
    /** A bad command line, or a request the gateway refused as invalid (400, 413, 415). */
    public static final int USAGE = 2;
    /** The request id or topic does not exist (404). */
    public static final int NOT_FOUND = 3;
    /** No valid API key (401), or the key's tenant may not see this request (403). */
    public static final int UNAUTHORIZED = 4;
    /** The gateway or Kafka could not be reached. */
    public static final int UNREACHABLE = 5;

    /** The lines every command's {@code --help} ends with. */
    static final String HELP = """
            Exit codes: 0 ok, 1 failed, 2 usage error or invalid request, 3 not found, 4 unauthorized or
            forbidden (API key), 5 gateway or Kafka unreachable.
            """;

    private ExitCodes() {}
}
