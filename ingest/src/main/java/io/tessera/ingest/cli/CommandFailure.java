package io.tessera.ingest.cli;

/** A command failed; {@link #getMessage()} is the one line for the user (saying what to do), with its exit code. */
final class CommandFailure extends Exception {

    private final int exitCode;

    CommandFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
