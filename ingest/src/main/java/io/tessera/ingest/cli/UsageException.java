package io.tessera.ingest.cli;

/** The command line is wrong; the message says what to change. Exit code 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message, null, false, false);
    }
}
