package dev.carapace.core;

import java.util.List;

/**
 * A {@link SecureContainerSpec} that cannot be launched. Holds every problem found, each as
 * {@code <attribute> <rule>: <value>}, so one build shows them all. The message is a header line
 * counting the problems ({@code 1 problem}, {@code 2 problems}), then one line per problem, indented
 * by two spaces and a dash:
 *
 * <pre>
 * Invalid SecureContainerSpec (2 problems):
 *   - memorySwap must be at least memoryLimit: 32MiB &lt; 64MiB
 *   - ports require a network of their own: network is none (call network(NetworkMode.bridge()))
 * </pre>
 */
public final class InvalidSpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  InvalidSpecException(List<String> problems) {
    super(render(problems));
    this.problems = List.copyOf(problems);
  }

  private static String render(List<String> problems) {
    StringBuilder sb = new StringBuilder("Invalid SecureContainerSpec (").append(problems.size())
        .append(problems.size() == 1 ? " problem):" : " problems):");
    for (String p : problems) {
      sb.append("\n  - ").append(p);
    }
    return sb.toString();
  }

  /** Each problem, {@code <attribute> <rule>: <value>}. */
  public List<String> problems() {
    return problems;
  }
}
