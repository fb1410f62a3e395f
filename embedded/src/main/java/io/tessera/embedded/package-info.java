/**
 * Real servers started inside the calling JVM, for the launcher ({@code tessera up}) and for tests.
 *
 * <p>{@link io.tessera.embedded.EmbeddedKafka} is a single-node Kafka broker and KRaft controller built from Kafka's
 * own jars: the same code a production broker runs, with single-node settings and every listener on 127.0.0.1.
 */
package io.tessera.embedded;
