package io.tessera.jobs.io;

import java.io.Serializable;

/** The Kafka key of a record: the request id for every Tessera topic but the policy topic. */
@FunctionalInterface
public interface RecordKey<T> extends Serializable {

    /** UTF-8 key text, or null for no key. */
    String keyOf(T record);
}
