package dev.carapace.bench;

import dev.carapace.core.CpuSet;
import dev.carapace.core.HealthCheck;
import dev.carapace.core.MemorySize;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.ContainerView;
import dev.carapace.policy.Policy;
import dev.carapace.policy.PolicyReport;
import dev.carapace.policy.Profiles;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/** The CPU cost of the hardened spec: build + validate, judge under carapaceDefault, and both. One thread. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
public class SpecBenchmark {
  /** Fields, not constants, so the JIT cannot fold the inputs. */
  public String image = Hardened.IMAGE;
  public String cpus = "0";
  public long memoryMib = 64;
  public Policy policy;
  public SecureContainerSpec spec;
  public SecureContainerSpec passing;
  public ContainerView view;

  @Setup
  public void setUp() {
    policy = Profiles.carapaceDefault();
    spec = build();
    // the same container made to pass carapaceDefault: a non-root user and a health check
    passing = spec.toBuilder().user("1000:1000").healthCheck(HealthCheck.exec("true")).build();
    if (!policy.evaluate(passing).passed()) {
      throw new IllegalStateException("the passing spec must pass " + policy + ": "
          + policy.evaluate(passing).toText());
    }
    view = ContainerView.of(spec);
  }

  private SecureContainerSpec build() {
    return SecureContainerSpec.builder()
        .image(image)
        .command("true")
        .readOnlyRootFilesystem(true)
        .cpuShares(512)
        .cpusetCpus(CpuSet.parse(cpus))
        .pidsLimit(64)
        .memoryLimit(MemorySize.ofMebibytes(memoryMib))
        .putLabel(Hardened.LABEL, "jmh")
        .build();
  }

  /** Builder calls, value-type parsing (CpuSet, MemorySize) and the spec's cross-field validation. */
  @Benchmark
  public SecureContainerSpec buildAndValidate() {
    return build();
  }

  /** Profiles.carapaceDefault() judging an already built spec. */
  @Benchmark
  public PolicyReport evaluate() {
    return policy.evaluate(spec);
  }

  /** Part of {@link #evaluate()}: the spec's facts as the rules see them. */
  @Benchmark
  public ContainerView containerView() {
    return ContainerView.of(spec);
  }

  /** Part of {@link #evaluate()}: the 32 rules over prebuilt facts (violations included). */
  @Benchmark
  public PolicyReport evaluateView() {
    return policy.evaluate(view);
  }

  /** {@link #evaluate()} for a spec without violations: what formatting violations costs. */
  @Benchmark
  public PolicyReport evaluatePassing() {
    return policy.evaluate(passing);
  }

  /** The target's operation: build + validate, then judge. */
  @Benchmark
  public PolicyReport buildValidateEvaluate() {
    return policy.evaluate(build());
  }
}
