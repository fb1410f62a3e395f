/**
 * The media file sink: {@code tessera.media.out} (Avro single-object {@code MediaChunk} bytes) to one folder per
 * request and sample, {@code <root>/<requestId>/sample-<i>/} with {@code frame-0001.png ...}, {@code clip.gif} and
 * {@code audio.wav}. {@link io.tessera.sinks.media.MediaFileSinkConnector} and its task are what a Connect worker
 * loads; {@link io.tessera.sinks.media.MediaSinkConfig} declares the keys; {@code SampleFolder} owns the layout.
 */
package io.tessera.sinks.media;
