package dev.carapace.testcontainers;

import com.github.dockerjava.api.command.CreateContainerCmd;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.testcontainers.core.CreateContainerCmdModifier;

/**
 * Hardens every container a test suite starts through Testcontainers, on explicit opt-in. Testcontainers
 * (2.0) loads this class through {@link java.util.ServiceLoader} for every {@code GenericContainer}
 * (carapace-testcontainers' jar lists it in
 * {@code META-INF/services/org.testcontainers.core.CreateContainerCmdModifier}); it does nothing unless
 * the system property {@value #PROPERTY} or the environment variable {@value #ENVIRONMENT_VARIABLE} is
 * {@code true}.
 *
 * <pre>{@code
 * // in the build: failsafe <systemPropertyVariables><carapace.testcontainers.harden>true</...>
 * // or in a test, before containers start:
 * System.setProperty(SuiteHardening.PROPERTY, "true");
 * SuiteHardening.use(CarapaceHardening.builder()
 *     .addCheck(PolicyCheck.enforce(Profiles.carapaceDefault()))
 *     .build());
 * }</pre>
 *
 * <p>When on, each container is hardened and judged by {@link #hardening()} (by default
 * {@link CarapaceHardening#defaults()}: {@code --cap-drop ALL}, {@code no-new-privileges},
 * {@code --pids-limit 1024}). Images that need capabilities (a database that switches user, say) need
 * a profile that adds them back: {@link #use(CarapaceHardening)}.
 *
 * <p>Left alone:
 * <ul>
 *   <li>Testcontainers' own helpers, recognised by image (also behind a registry prefix such as
 *       {@code hub.image.name.prefix}): everything under {@code testcontainers/} (Ryuk
 *       {@code testcontainers/ryuk}, the port-forwarding {@code testcontainers/sshd}), and the compose
 *       runners {@code docker/compose} and {@code docker}. Helpers cannot be told apart by label at this
 *       point: Testcontainers adds its {@code org.testcontainers.*} labels after the modifiers run. The
 *       {@code alpine} probe that finds the gateway is created directly, never through a modifier.
 *   <li>A container labelled {@value #SKIP_LABEL}{@code =true} ({@code withLabel(SuiteHardening.SKIP_LABEL, "true")}).
 * </ul>
 *
 * <p>Service modifiers run before a container's own {@code withCreateContainerCmdModifier} ones, so a
 * container's own {@link CarapaceHardening} applies after, and wins where they differ.
 */
public final class SuiteHardening implements CreateContainerCmdModifier {
  /** The system property that turns suite-wide hardening on: {@code -Dcarapace.testcontainers.harden=true}. */
  public static final String PROPERTY = "carapace.testcontainers.harden";
  /** The environment variable that turns suite-wide hardening on. */
  public static final String ENVIRONMENT_VARIABLE = "CARAPACE_TESTCONTAINERS_HARDEN";
  /** The container label that exempts one container. */
  public static final String SKIP_LABEL = "dev.carapace.testcontainers.skip";

  private static volatile CarapaceHardening hardening = CarapaceHardening.defaults();

  /** Called by {@link java.util.ServiceLoader}; configure with the static methods instead. */
  public SuiteHardening() {}

  /**
   * Sets the hardening (profile and checks) applied to every container when on. If never called,
   * {@link CarapaceHardening#defaults()}. Does not turn suite-wide hardening on.
   */
  public static void use(CarapaceHardening value) {
    hardening = Objects.requireNonNull(value, "hardening");
  }

  /** Goes back to {@link CarapaceHardening#defaults()}. */
  public static void reset() {
    hardening = CarapaceHardening.defaults();
  }

  /** The hardening applied when on. */
  public static CarapaceHardening hardening() {
    return hardening;
  }

  /** Whether {@value #PROPERTY} or {@value #ENVIRONMENT_VARIABLE} is {@code true} (read at every create). */
  public static boolean enabled() {
    return enabled(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT_VARIABLE));
  }

  static boolean enabled(String property, String environment) {
    if (property != null && !property.isBlank()) {
      return property.trim().equalsIgnoreCase("true");
    }
    return environment != null && environment.trim().equalsIgnoreCase("true");
  }

  @Override
  public CreateContainerCmd modify(CreateContainerCmd cmd) {
    if (!enabled() || helperImage(cmd.getImage()) || skipped(cmd.getLabels())) {
      return cmd;
    }
    hardening.accept(cmd);
    return cmd;
  }

  private static boolean skipped(Map<String, String> labels) {
    return labels != null && "true".equalsIgnoreCase(labels.get(SKIP_LABEL));
  }

  /** Whether {@code image} is one of Testcontainers' own helpers. */
  static boolean helperImage(String image) {
    if (image == null) {
      return false;
    }
    String repo = repository(image);
    return repo.startsWith("testcontainers/") || repo.contains("/testcontainers/")
        || repo.equals("docker/compose") || repo.endsWith("/docker/compose")
        || repo.equals("docker") || repo.endsWith("/docker");
  }

  /** The repository path of an image reference: no registry, tag, digest or {@code library/}. */
  static String repository(String image) {
    String ref = image.toLowerCase(Locale.ROOT);
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int colon = ref.lastIndexOf(':');
    if (colon > ref.lastIndexOf('/')) {
      ref = ref.substring(0, colon);
    }
    int slash = ref.indexOf('/');
    if (slash > 0) {
      String first = ref.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        ref = ref.substring(slash + 1);
      }
    }
    if (ref.startsWith("library/")) {
      ref = ref.substring("library/".length());
    }
    return ref;
  }
}
