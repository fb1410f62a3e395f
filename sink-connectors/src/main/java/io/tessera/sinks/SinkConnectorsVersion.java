package io.tessera.sinks;

/** The version both connectors report to Connect (the module's Maven version when packaged). */
public final class SinkConnectorsVersion {

  /** From the jar manifest, or "dev" when run from classes. */
  public static final String VERSION = version();

  private SinkConnectorsVersion() {}

  private static String version() {
    String v = SinkConnectorsVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
