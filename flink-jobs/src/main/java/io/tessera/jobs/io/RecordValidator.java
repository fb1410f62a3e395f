package io.tessera.jobs.io;

import java.io.Serializable;

/**
 * Semantic check of a decoded record: {@code null} when the record is fine, else the reason it is rejected
 * (which lands in the dead letter). Constants are the checks of one record type.
 */
@FunctionalInterface
public interface RecordValidator<T> extends Serializable {

    String problem(T record);

    static <T> RecordValidator<T> acceptAll() {
        return record -> null;
    }
}
