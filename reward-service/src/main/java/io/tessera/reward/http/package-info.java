/** The standalone scoring service: the scorers over HTTP on 127.0.0.1 ({@code POST /v1/score}, {@code GET /healthz}). */
package io.tessera.reward.http;
