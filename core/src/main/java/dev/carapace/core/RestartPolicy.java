package dev.carapace.core;

import java.util.Objects;

/**
 * What the engine does when the container exits, as {@code docker run --restart}.
 *
 * <pre>{@code
 * RestartPolicy.onFailure(5);    // --restart on-failure:5
 * }</pre>
 *
 * @param kind when to restart
 * @param maxRetries for {@link Kind#ON_FAILURE} only: how many restarts at most, 0 for no limit
 */
public record RestartPolicy(Kind kind, int maxRetries) {
  /** When the engine restarts a container, with the {@code --restart} name of each. */
  public enum Kind {
    /** {@code no}: never. */
    NO("no"),
    /** {@code always}: whenever it stops, and when the engine starts. */
    ALWAYS("always"),
    /** {@code unless-stopped}: like always, unless it was stopped on purpose. */
    UNLESS_STOPPED("unless-stopped"),
    /** {@code on-failure}: when it exits with a status other than 0. */
    ON_FAILURE("on-failure");

    private final String dockerName;

    Kind(String dockerName) {
      this.dockerName = dockerName;
    }

    /** The {@code --restart} name: {@code no}, {@code always}, {@code unless-stopped}, {@code on-failure}. */
    public String dockerName() {
      return dockerName;
    }

    /**
     * The kind with {@code --restart} name {@code name}; the engine records {@code ""} for {@code no}.
     *
     * @throws IllegalArgumentException naming the value when it is not a restart kind
     */
    public static Kind parse(String name) {
      Objects.requireNonNull(name, "restart policy");
      for (Kind k : values()) {
        if (k.dockerName.equals(name)) {
          return k;
        }
      }
      if (name.isEmpty()) {
        return NO;
      }
      throw new IllegalArgumentException(
          "restart policy must be no, always, unless-stopped or on-failure[:N]: " + name);
    }

    @Override
    public String toString() {
      return dockerName;
    }
  }

  public RestartPolicy {
    Objects.requireNonNull(kind, "restart policy kind");
    if (maxRetries < 0) {
      throw new IllegalArgumentException("restart policy max retries must not be negative: " + maxRetries);
    }
    if (maxRetries > 0 && kind != Kind.ON_FAILURE) {
      throw new IllegalArgumentException(
          "restart policy max retries needs on-failure: " + kind + ":" + maxRetries);
    }
  }

  /** {@code --restart no}. */
  public static RestartPolicy no() {
    return new RestartPolicy(Kind.NO, 0);
  }

  /** {@code --restart always}. */
  public static RestartPolicy always() {
    return new RestartPolicy(Kind.ALWAYS, 0);
  }

  /** {@code --restart unless-stopped}. */
  public static RestartPolicy unlessStopped() {
    return new RestartPolicy(Kind.UNLESS_STOPPED, 0);
  }

  /** {@code --restart on-failure:N}; 0 for no limit on restarts. */
  public static RestartPolicy onFailure(int maxRetries) {
    return new RestartPolicy(Kind.ON_FAILURE, maxRetries);
  }

  /** Parses the {@code --restart} value: {@code no}, {@code always}, {@code on-failure:5}... */
  public static RestartPolicy parse(String text) {
    Objects.requireNonNull(text, "restart policy");
    int colon = text.indexOf(':');
    if (colon < 0) {
      return new RestartPolicy(Kind.parse(text), 0);
    }
    String count = text.substring(colon + 1);
    if (!count.matches("[0-9]{1,9}")) {
      throw new IllegalArgumentException("restart policy max retries must be a number: " + text);
    }
    return new RestartPolicy(Kind.parse(text.substring(0, colon)), Integer.parseInt(count));
  }

  /** The {@code --restart} form. */
  @Override
  public String toString() {
    return maxRetries > 0 ? kind.dockerName() + ":" + maxRetries : kind.dockerName();
  }

}
