package dev.carapace.cluster;

/**
 * The Engine API levels that change what a Swarm service carries: 1.41 (engine 20.10) has
 * capabilities, ulimits and pids; 1.44 (engine 25) adds {@code Privileges.NoNewPrivileges},
 * {@code Seccomp} and {@code AppArmor}.
 */
enum SwarmApi {
  V1_41("1.41"),
  V1_44("1.44");

  private final String version;

  SwarmApi(String version) {
    this.version = version;
  }

  /** The version requests are sent under, {@code /v1.41/...}. */
  String version() {
    return version;
  }

  /**
   * The level of an engine that speaks {@code apiVersion} ({@code ApiVersion} of {@code GET /version}).
   *
   * @throws IllegalArgumentException below 1.41, or when it does not parse
   */
  static SwarmApi of(String apiVersion) {
    String[] parts = apiVersion.trim().split("\\.");
    int major;
    int minor;
    try {
      major = Integer.parseInt(parts[0]);
      minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("engine api version must be numeric: " + apiVersion, e);
    }
    if (major > 1 || minor >= 44) {
      return V1_44;
    }
    if (minor >= 41) {
      return V1_41;
    }
    throw new IllegalArgumentException("engine api version must be at least 1.41 for swarm services with"
        + " capabilities, ulimits and a pids limit: " + apiVersion + " (upgrade the engine to 20.10 or later)");
  }
}
