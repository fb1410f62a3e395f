/**
 * Pieces both sink connectors share: turning a rejected record into a Tessera {@code DeadLetter} and handing it
 * to Connect's dead-letter queue ({@link io.tessera.sinks.common.DeadLetterReporter}), reading a record's value
 * bytes, atomic file writes ({@link io.tessera.sinks.common.AtomicFiles}), and the connector class both extend
({@link io.tessera.sinks.common.SameConfigSinkConnector}: every task gets the connector's checked config). Not an
API of its own.
 */
package io.tessera.sinks.common;
