/**
 * The dashboard: a single web page the gateway serves at {@code /} for a team watching the stream, and the
 * {@code GET /v1/figures} endpoint behind its charts.
 *
 * <p>{@link io.tessera.ingest.dashboard.DashboardAssets} serves the page's three files (plain HTML, JavaScript and
 * CSS under {@code src/main/resources/io/tessera/ingest/dashboard/}; no build step, nothing fetched from another
 * origin, a strict Content-Security-Policy). The page talks only to the gateway's own API: it posts prompts and
 * feedback, reads each request's event stream with {@code fetch()} (an {@code EventSource} cannot send the API key)
 * and polls {@link io.tessera.ingest.dashboard.FiguresEndpoint} for the charts, which answers with the status
 * store's {@link io.tessera.ingest.status.Figures}.
 *
 * <p>Both handlers take the JDK's {@link com.sun.net.httpserver.HttpExchange}, so the gateway's router can mount
 * them without this package seeing its internals.
 */
package io.tessera.ingest.dashboard;
