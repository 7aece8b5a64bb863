package dev.carapace.core;

/**
 * What the engine does when the container exits, as {@code docker run --restart}.
 *
 * <pre>{@code
 * RestartPolicy.onFailure(5);    // --restart on-failure:5
 * }</pre>
 *
 * @param name {@code no}, {@code always}, {@code unless-stopped} or {@code on-failure}
 * @param maxRetries for {@code on-failure} only: how many restarts at most, 0 for no limit
 */
public record RestartPolicy(String name, int maxRetries) {
  public RestartPolicy {
    if (!(name.equals("no") || name.equals("always") || name.equals("unless-stopped")
        || name.equals("on-failure"))) {
      throw new IllegalArgumentException(
          "restart policy must be no, always, unless-stopped or on-failure[:N]: " + name);
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("restart policy max retries must not be negative: " + maxRetries);
    }
    if (maxRetries > 0 && !name.equals("on-failure")) {
      throw new IllegalArgumentException(
          "restart policy max retries needs on-failure: " + name + ":" + maxRetries);
    }
  }

  public static RestartPolicy no() {
    return new RestartPolicy("no", 0);
  }

  public static RestartPolicy always() {
    return new RestartPolicy("always", 0);
  }

  public static RestartPolicy unlessStopped() {
    return new RestartPolicy("unless-stopped", 0);
  }

  public static RestartPolicy onFailure(int maxRetries) {
    return new RestartPolicy("on-failure", maxRetries);
  }

  /** Parses the {@code --restart} value: {@code no}, {@code always}, {@code on-failure:5}... */
  public static RestartPolicy parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      return new RestartPolicy(text, 0);
    }
    try {
      return new RestartPolicy(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("restart policy max retries must be a number: " + text);
    }
  }

  /** The {@code --restart} form. */
  @Override
  public String toString() {
    return maxRetries > 0 ? name + ":" + maxRetries : name;
  }
}
