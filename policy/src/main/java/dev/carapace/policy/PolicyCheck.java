package dev.carapace.policy;

import com.github.dockerjava.api.DockerClient;
import dev.carapace.core.LaunchCheck;
import dev.carapace.core.SecureContainerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plugs a {@link Policy} into the launcher: every spec is judged before any call reaches the daemon.
 *
 * <pre>{@code
 * ContainerLauncher launcher = ContainerLauncher.builder()
 *     .endpoint(Endpoint.fromEnvironment())
 *     .addCheck(PolicyCheck.enforce(Profiles.carapaceDefault()))
 *     .build();
 * launcher.run(spec, Duration.ofSeconds(30));   // throws PolicyViolationException, creates nothing
 * }</pre>
 *
 * <p>Modes: {@link Mode#ENFORCE} refuses a violating spec with a {@link PolicyViolationException}
 * holding the full report; {@link Mode#WARN} logs the report (slf4j, WARN) and lets the launch go on;
 * {@link Mode#REPORT} only records it ({@link #reports()}).
 *
 * <p><b>Threshold.</b> By default every violation counts, whatever its severity: an enforcing check
 * refuses a spec that breaks even a {@link Severity#LOW} rule. {@link #atLeast(Severity)} makes the check
 * act only when some violation is at least that severe; the report, kept and thrown, still lists every
 * violation:
 *
 * <pre>{@code
 * PolicyCheck.enforce(Profiles.carapaceDefault()).atLeast(Severity.MEDIUM);  // LOW findings do not refuse
 * }</pre>
 *
 * <p>Without {@link Builder#dockerClient(DockerClient)} the check makes no daemon call at all,
 * and rules that need the image's {@code USER} or {@code HEALTHCHECK} treat an unset one as unknown
 * (a violation asking to set it). With it, the check makes one read-only call,
 * {@code GET /images/{name}/json}, and creates nothing.
 */
public final class PolicyCheck implements LaunchCheck {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyCheck.class);
  /** How many reports {@link #reports()} keeps, newest last. */
  public static final int MAX_REPORTS = 1000;

  /** What the check does with a violating spec. */
  public enum Mode {
    /** Refuse it: throw {@link PolicyViolationException} before anything reaches the daemon. */
    ENFORCE,
    /** Log the report at WARN and launch. */
    WARN,
    /** Record the report and launch: see {@link PolicyCheck#reports()}. */
    REPORT
  }

  private final Policy policy;
  private final Mode mode;
  private final DockerClient images;
  private final EngineSecurity engineSecurity;
  private final Severity threshold;
  private final List<PolicyReport> reports = new ArrayList<>();

  private PolicyCheck(Builder b) {
    this.policy = b.policy;
    this.mode = b.mode;
    this.images = b.images;
    this.engineSecurity = b.engineSecurity;
    this.threshold = b.threshold;
  }

  /** Refuses violating specs. */
  public static PolicyCheck enforce(Policy policy) {
    return builder(policy).mode(Mode.ENFORCE).build();
  }

  /** Logs violating specs and launches them. */
  public static PolicyCheck warn(Policy policy) {
    return builder(policy).mode(Mode.WARN).build();
  }

  /** Records every report and launches: nothing is refused or logged ({@link #reports()}). */
  public static PolicyCheck report(Policy policy) {
    return builder(policy).mode(Mode.REPORT).build();
  }

  public static Builder builder(Policy policy) {
    return new Builder(policy);
  }

  public Policy policy() {
    return policy;
  }

  public Mode mode() {
    return mode;
  }

  /** The least severity a violation must have for the check to act on it; {@link Severity#LOW} unless set. */
  public Severity threshold() {
    return threshold;
  }

  /**
   * A check like this one (same policy, mode, image inspection and engine facts, with reports of its own)
   * that acts only on violations of at least {@code severity}: with {@link Severity#MEDIUM}, a spec whose
   * only violations are LOW launches, and its report is still kept.
   */
  public PolicyCheck atLeast(Severity severity) {
    Builder b = builder(policy).mode(mode).atLeast(severity);
    b.images = images;
    b.engineSecurity = engineSecurity;
    return b.build();
  }

  /**
   * Judges {@code spec} and acts by the mode.
   *
   * @throws PolicyViolationException in {@link Mode#ENFORCE} when a rule of at least {@link #threshold()}
   *     is broken
   */
  @Override
  public void check(SecureContainerSpec spec) {
    PolicyReport report = policy.evaluate(view(spec));
    synchronized (reports) {
      if (reports.size() == MAX_REPORTS) {
        reports.remove(0);
      }
      reports.add(report);
    }
    if (report.violations().stream().noneMatch(v -> v.severity().compareTo(threshold) >= 0)) {
      return;
    }
    switch (mode) {
      case ENFORCE:
        throw new PolicyViolationException(report);
      case WARN:
        LOG.warn("launching despite policy violations: {}", report.toText());
        break;
      default:
        break;
    }
  }

  private ContainerView view(SecureContainerSpec spec) {
    ContainerView view = ContainerView.of(spec);
    if (images != null && (spec.user().isEmpty() || spec.healthCheck().isEmpty())) {
      Optional<ImageFacts> facts;
      try {
        facts = Optional.of(ImageFacts.of(spec.image(), images.inspectImageCmd(spec.image()).exec()));
      } catch (com.github.dockerjava.api.exception.NotFoundException e) {
        facts = Optional.empty(); // not pulled yet: the rules say the image's settings are unknown
      }
      if (facts.isPresent()) {
        view = view.knowingImage(facts.get());
      }
    }
    if (engineSecurity != null) {
      view = view.knowingEngine(engineSecurity);
    }
    return view;
  }

  /** Every report so far (at most {@link #MAX_REPORTS}, oldest first), passing or not. */
  public List<PolicyReport> reports() {
    synchronized (reports) {
      return List.copyOf(reports);
    }
  }

  @Override
  public String toString() {
    return "PolicyCheck " + mode + " " + policy.name() + (threshold == Severity.LOW ? "" : " at least " + threshold);
  }

  /** Configures a {@link PolicyCheck}. */
  public static final class Builder {
    private final Policy policy;
    private Mode mode = Mode.ENFORCE;
    private DockerClient images;
    private EngineSecurity engineSecurity;
    private Severity threshold = Severity.LOW;

    private Builder(Policy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** What to do with a violating spec. If unset, {@link Mode#ENFORCE}. */
    public Builder mode(Mode value) {
      this.mode = Objects.requireNonNull(value, "mode");
      return this;
    }

    /**
     * Acts only on violations of at least {@code severity} (refuses, warns or, in audit mode, changes
     * nothing); the report still lists every violation. If unset, {@link Severity#LOW}: every violation.
     */
    public Builder atLeast(Severity severity) {
      this.threshold = Objects.requireNonNull(severity, "severity");
      return this;
    }

    /**
     * Reads the image's {@code USER} and {@code HEALTHCHECK} through this client's engine when the
     * spec sets none ({@code docker image inspect}, read-only); the launcher's own
     * ({@code launcher.dockerClient()}) reuses its connection. The check never closes it. If unset, no
     * daemon call is made and those settings count as unknown.
     */
    public Builder dockerClient(DockerClient docker) {
      this.images = Objects.requireNonNull(docker, "docker client");
      return this;
    }

    /**
     * What the engine's host enforces, so the report explains the rules it cannot (AppArmor on a
     * kernel without it). If unset, unknown: no notes.
     */
    public Builder engineSecurity(EngineSecurity value) {
      this.engineSecurity = Objects.requireNonNull(value, "engine security");
      return this;
    }

    public PolicyCheck build() {
      return new PolicyCheck(this);
    }
  }
}
