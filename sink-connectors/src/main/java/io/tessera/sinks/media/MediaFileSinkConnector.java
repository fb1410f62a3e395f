package io.tessera.sinks.media;

import io.tessera.sinks.common.SameConfigSinkConnector;

/**
 * Writes the decoded media of {@code tessera.media.out} to files: one folder per request and sample with the PNG
 * frames, an animated GIF and a WAV (see {@link MediaSinkConfig} and the module README). Every task gets the same
 * config; a request's chunks share a key and so a partition, so exactly one task writes each folder.
 */
public final class MediaFileSinkConnector extends SameConfigSinkConnector {

  public MediaFileSinkConnector() {
    super(MediaSinkConfig::new, MediaFileSinkTask.class, MediaSinkConfig.CONFIG_DEF);
  }
}
