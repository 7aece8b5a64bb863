package dev.carapace.policy;

import dev.carapace.core.Capability;
import dev.carapace.core.ContainerLauncher;
import dev.carapace.core.ContainerOperationException;
import dev.carapace.core.RunResult;
import dev.carapace.core.RunningContainer;
import dev.carapace.core.SecureContainerSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds a minimal capability set for a workload by running it on the real engine: the seed's method
 * ("drop every capability, run, add back the ones whose absence makes it fail") automated, with far
 * fewer runs than trying subsets.
 *
 * <pre>{@code
 * CapabilityMinimiser.Result r = CapabilityMinimiser.builder().build().minimise(spec,
 *     CapabilityMinimiser.exitsWith(launcher, Duration.ofSeconds(20), 0));
 * r.capabilities();   // [CHOWN, NET_RAW, SYS_CHROOT]
 * r.runs().size();    // 17, where trying every subset of 14 would take 16384
 * r.spec();           // the spec with --cap-drop ALL and exactly those --cap-add
 * }</pre>
 *
 * <p>Method (adaptive group testing, for a workload that works exactly when it holds all of some
 * set of capabilities): it checks the workload works with every candidate and, if it also works
 * with none, stops. Otherwise, with the capabilities known to be needed {@code R} and the
 * remaining candidates {@code u1..un} in kernel order, it bisects for the smallest {@code k} with
 * {@code R + u1..uk} working: {@code uk} is needed and {@code uk+1..un} are not. It adds {@code uk}
 * to {@code R} and repeats on {@code u1..uk-1} until {@code R} alone works. That costs about
 * {@code log2(n) + 1} runs per needed capability. Finally (unless turned off) it checks that the
 * workload fails without each capability of the result, one run each, and drops any that proves
 * unnecessary, so the result is 1-minimal even for a workload that breaks the assumption.
 * Outcomes are cached: no set is run twice.
 */
public final class CapabilityMinimiser {
  private final Optional<Set<Capability>> candidates;
  private final boolean verify;

  private CapabilityMinimiser(Builder b) {
    this.candidates = b.candidates;
    this.verify = b.verify;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Decides whether the workload works with a candidate spec, usually by running it. */
  @FunctionalInterface
  public interface Trial {
    boolean works(SecureContainerSpec candidate);
  }

  /**
   * One run of the workload.
   */
  public static final class Run {
    private final Set<Capability> capabilities;
    private final boolean worked;
    private final Duration elapsed;

    Run(Set<Capability> capabilities, boolean worked, Duration elapsed) {
      capabilities = Collections.unmodifiableSet(EnumSet.copyOf(withType(capabilities)));
      this.capabilities = capabilities;
      this.worked = worked;
      this.elapsed = elapsed;
    }

    /** The capabilities it had (with {@code --cap-drop ALL}). */
    public Set<Capability> capabilities() {
      return capabilities;
    }

    /** Whether the success test passed. */
    public boolean worked() {
      return worked;
    }

    /** How long the run took. */
    public Duration elapsed() {
      return elapsed;
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      if (!(o instanceof Run)) {
        return false;
      }
      Run that = (Run) o;
      return Objects.equals(capabilities, that.capabilities) && worked == that.worked
          && Objects.equals(elapsed, that.elapsed);
    }

    @Override
    public int hashCode() {
      return Objects.hash(capabilities, worked, elapsed);
    }

    /** {@code Run[capabilities=..., worked=..., ...]}, as a record shows itself. */
    @Override
    public String toString() {
      return "Run[capabilities=" + capabilities + ", worked=" + worked + ", elapsed=" + elapsed + "]";
    }
  }

  /**
   * What the minimiser found.
   */
  public static final class Result {
    private final Set<Capability> capabilities;
    private final SecureContainerSpec spec;
    private final Set<Capability> candidates;
    private final List<Run> runs;

    Result(Set<Capability> capabilities, SecureContainerSpec spec, Set<Capability> candidates,
        List<Run> runs) {
      capabilities = Collections.unmodifiableSet(EnumSet.copyOf(withType(capabilities)));
      candidates = Collections.unmodifiableSet(EnumSet.copyOf(withType(candidates)));
      runs = List.copyOf(runs);
      this.capabilities = capabilities;
      this.spec = spec;
      this.candidates = candidates;
      this.runs = runs;
    }

    /** A minimal set the workload works with. */
    public Set<Capability> capabilities() {
      return capabilities;
    }

    /** The given spec with {@code --cap-drop ALL} and exactly those capabilities added. */
    public SecureContainerSpec spec() {
      return spec;
    }

    /** The capabilities searched. */
    public Set<Capability> candidates() {
      return candidates;
    }

    /** Every run, in order. */
    public List<Run> runs() {
      return runs;
    }

    @Override
    public boolean equals(Object o) {
      if (o == this) {
        return true;
      }
      if (!(o instanceof Result)) {
        return false;
      }
      Result that = (Result) o;
      return Objects.equals(capabilities, that.capabilities)
          && Objects.equals(spec, that.spec)
          && Objects.equals(candidates, that.candidates)
          && Objects.equals(runs, that.runs);
    }

    @Override
    public int hashCode() {
      return Objects.hash(capabilities, spec, candidates, runs);
    }

    /** How many subsets an exhaustive search would have to try: {@code 2^candidates}. */
    public long subsets() {
      return 1L << candidates.size();
    }

    /** {@code [CHOWN, NET_RAW, SYS_CHROOT] in 21 runs (2^14 = 16384 subsets)}. */
    @Override
    public String toString() {
      return capabilities + " in " + runs.size() + " runs (2^" + candidates.size() + " = " + subsets()
          + " subsets)";
    }
  
  }

  private static Set<Capability> withType(Set<Capability> caps) {
    EnumSet<Capability> s = EnumSet.noneOf(Capability.class);
    s.addAll(caps);
    return s;
  }

  /**
   * Finds a minimal capability set for {@code spec}'s workload.
   *
   * @throws IllegalStateException when the workload fails even with every candidate capability
   */
  public Result minimise(SecureContainerSpec spec, Trial trial) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(trial, "trial");
    EnumSet<Capability> cands = EnumSet.noneOf(Capability.class);
    cands.addAll(candidates.orElse(Capability.dockerDefaults()));
    cands.addAll(spec.effectiveCapabilities());
    Search s = new Search(spec, trial);
    if (!s.works(cands)) {
      throw new IllegalStateException("workload must succeed with every candidate capability: it failed with "
          + cands + " (check the success test and the spec)");
    }
    EnumSet<Capability> needed = EnumSet.noneOf(Capability.class);
    List<Capability> rest = new ArrayList<>(cands);
    while (!s.works(needed)) {
      // invariant: needed + rest works, needed alone does not
      int lo = 1;
      int hi = rest.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (s.works(union(needed, rest.subList(0, mid)))) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      needed.add(rest.get(lo - 1));
      rest = new ArrayList<>(rest.subList(0, lo - 1));
    }
    if (verify) {
      boolean changed = true;
      while (changed) {
        changed = false;
        for (Capability c : EnumSet.copyOf(needed.isEmpty() ? EnumSet.noneOf(Capability.class) : needed)) {
          EnumSet<Capability> without = EnumSet.copyOf(needed);
          without.remove(c);
          if (s.works(without)) {
            needed = without;
            changed = true;
            break;
          }
        }
      }
    }
    return new Result(needed, s.spec(needed), cands, s.runs);
  }

  private static EnumSet<Capability> union(Set<Capability> a, List<Capability> b) {
    EnumSet<Capability> u = EnumSet.noneOf(Capability.class);
    u.addAll(a);
    u.addAll(b);
    return u;
  }

  private static final class Search {
    final SecureContainerSpec spec;
    final Trial trial;
    final Map<Set<Capability>, Boolean> cache = new HashMap<>();
    final List<Run> runs = new ArrayList<>();

    Search(SecureContainerSpec spec, Trial trial) {
      this.spec = spec;
      this.trial = trial;
    }

    SecureContainerSpec spec(Set<Capability> caps) {
      return spec.toBuilder().dropAllCapabilities().addedCapabilities(caps).build();
    }

    boolean works(Set<Capability> caps) {
      EnumSet<Capability> key = EnumSet.noneOf(Capability.class);
      key.addAll(caps);
      Boolean known = cache.get(key);
      if (known != null) {
        return known;
      }
      long t0 = System.nanoTime();
      boolean ok = trial.works(spec(key));
      runs.add(new Run(key, ok, Duration.ofNanos(System.nanoTime() - t0)));
      cache.put(key, ok);
      return ok;
    }
  }

  // ------------------------------------------------------------------ success tests

  private static void trialArguments(ContainerLauncher launcher, Duration timeout) {
    Objects.requireNonNull(launcher, "launcher must not be null");
    Objects.requireNonNull(timeout, "timeout must not be null");
  }

  /**
   * Runs the candidate to completion on {@code launcher} ({@link ContainerLauncher#run}); it works
   * when it exits with {@code exitCode} within {@code timeout}. A run that outlives the timeout
   * fails (the launcher removes it).
   */
  public static Trial exitsWith(ContainerLauncher launcher, Duration timeout, int exitCode) {
    trialArguments(launcher, timeout);
    return candidate -> run(launcher, candidate, timeout).map(r -> r.exitCode() == exitCode).orElse(false);
  }

  /** Runs the candidate to completion; it works when it exits 0 and its stdout matches {@code pattern} somewhere. */
  public static Trial outputMatches(ContainerLauncher launcher, Duration timeout, Pattern pattern) {
    trialArguments(launcher, timeout);
    Objects.requireNonNull(pattern, "pattern must not be null");
    return candidate -> run(launcher, candidate, timeout)
        .map(r -> r.exitCode() == 0 && pattern.matcher(r.stdout()).find()).orElse(false);
  }

  /**
   * Launches the candidate and polls its health check; it works when the engine reports
   * {@code healthy} within {@code timeout}, and fails on {@code unhealthy}, on exit, or at the
   * timeout. The container is removed after each trial.
   */
  public static Trial becomesHealthy(ContainerLauncher launcher, Duration timeout) {
    trialArguments(launcher, timeout);
    return candidate -> {
      try (RunningContainer c = launcher.launch(candidate)) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
          Optional<String> status = c.healthStatus();
          if (status.isPresent() && status.get().equals("healthy")) {
            return true;
          }
          if ((status.isPresent() && status.get().equals("unhealthy")) || !c.isRunning()) {
            return false;
          }
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("capability trial interrupted", e);
          }
        }
        return false;
      }
    };
  }

  private static Optional<RunResult> run(ContainerLauncher launcher, SecureContainerSpec spec, Duration timeout) {
    try {
      return Optional.of(launcher.run(spec, timeout));
    } catch (ContainerOperationException e) {
      if (e.step() == ContainerOperationException.Step.WAIT) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Configures a {@link CapabilityMinimiser}. */
  public static final class Builder {
    private Optional<Set<Capability>> candidates = Optional.empty();
    private boolean verify = true;

    private Builder() {}

    /**
     * The capabilities to search, as well as the spec's own. If unset, Docker's 14 defaults
     * ({@link Capability#dockerDefaults()}).
     */
    public Builder candidates(Set<Capability> value) {
      this.candidates = Optional.of(EnumSet.copyOf(withType(value)));
      return this;
    }

    /**
     * Whether to check, one run each, that the workload fails without each capability found. If
     * unset, true.
     */
    public Builder verifyEachIsNeeded(boolean value) {
      this.verify = value;
      return this;
    }

    public CapabilityMinimiser build() {
      return new CapabilityMinimiser(this);
    }
  }
}
