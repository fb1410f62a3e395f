/**
 * Kafka in and out of the jobs, and dead letters. Sources keep records raw ({@link
 * io.tessera.jobs.io.RawRecord}: topic, partition, offset, key and value bytes); {@link
 * io.tessera.jobs.io.DecodeRecords} turns them into Avro records or {@code DeadLetter}s on {@link
 * io.tessera.jobs.io.DeadLetters#TAG}; sinks write Avro single-object values keyed by request id. Avro
 * records travel between operators on {@link io.tessera.jobs.io.AvroRecordSerializer}, never Kryo.
 */
package io.tessera.jobs.io;
