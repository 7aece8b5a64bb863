package dev.carapace.core;

import java.util.Set;
import java.util.stream.Collectors;

/** docker-java's callback threads ({@code docker-java-stream-*}) alive now, for the no-thread-left checks. */
final class StreamThreads {
  private StreamThreads() {}

  static Set<Thread> alive() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("docker-java-stream-") && t.isAlive()).collect(Collectors.toSet());
  }

  /** The threads alive now that were not in {@code before}. */
  static Set<Thread> since(Set<Thread> before) {
    Set<Thread> now = alive();
    now.removeAll(before);
    return now;
  }
}
