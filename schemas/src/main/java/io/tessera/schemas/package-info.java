/**
 * The topic contracts of Tessera: {@link io.tessera.schemas.Topics} names every topic with its key, value type,
 * partitions and configs; {@link io.tessera.schemas.RecordCodec} is the wire format (Avro single-object encoding
 * resolved through a {@link io.tessera.schemas.SchemaStore} of every known schema version);
 * {@link io.tessera.schemas.JsonCodec} is the JSON view; {@link io.tessera.schemas.AvroSerde} and the two Flink
 * schemas plug the codec into Kafka clients and Flink connectors. The records themselves are generated from the
 * {@code .avsc} files into {@code io.tessera.records}.
 */
package io.tessera.schemas;
