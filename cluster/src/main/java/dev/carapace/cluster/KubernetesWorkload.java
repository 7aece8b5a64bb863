package dev.carapace.cluster;

import dev.carapace.core.SecureContainerSpec;
import dev.carapace.policy.ContainerView;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Objects;

/**
 * A spec rendered as one Kubernetes workload: fabric8's model object, its YAML, and the losses the caller
 * accepted to get it. Immutable: {@link #model()} returns a fresh copy each time.
 *
 * <p><b>The YAML holds the spec's env values in plain text</b> (as any manifest does): keep secrets in a
 * Secret. {@link #toString()} shows only the kind, the name and the accepted losses.
 *
 * @param <T> fabric8's {@code Pod}, {@code Deployment} or {@code Job}
 */
public final class KubernetesWorkload<T extends HasMetadata> {
  /** The kinds a spec renders to. */
  public enum Kind {
    /** A bare {@code v1 Pod}. */
    POD("Pod"),
    /** An {@code apps/v1 Deployment} of N replicas. */
    DEPLOYMENT("Deployment"),
    /** A {@code batch/v1 Job}: run to completion. */
    JOB("Job");

    private final String kubernetesName;

    Kind(String kubernetesName) {
      this.kubernetesName = kubernetesName;
    }

    /** The {@code kind} as Kubernetes spells it: {@code Pod}, {@code Deployment}, {@code Job}. */
    public String kubernetesName() {
      return kubernetesName;
    }
  }

  private final Kind kind;
  private final String yaml;
  private final Class<T> type;
  private final List<Loss> acceptedLosses;
  private final String name;
  private final SecureContainerSpec spec;

  KubernetesWorkload(Kind kind, T model, Class<T> type, SecureContainerSpec spec, List<Loss> acceptedLosses) {
    this.kind = kind;
    this.spec = spec;
    this.type = type;
    this.name = model.getMetadata().getName();
    this.yaml = Yaml.write(model);
    this.acceptedLosses = List.copyOf(acceptedLosses);
  }

  /** Pod, Deployment or Job. */
  public Kind kind() {
    return kind;
  }

  /** The workload's {@code metadata.name}. */
  public String name() {
    return name;
  }

  /** A fresh copy of fabric8's model object, to change or to hand to a fabric8 client. */
  public T model() {
    return Yaml.read(yaml, type);
  }

  /** The manifest as YAML, one document, for {@code kubectl apply -f} or {@code podman kube play}. */
  public String yaml() {
    return yaml;
  }

  /**
   * The spec's fields this workload does not carry, each accepted by name with
   * {@link KubernetesRenderer.Builder#acceptLoss(dev.carapace.core.SpecAttribute)}; empty when everything was carried. The
   * policy module reports each through {@link #policyView()}.
   */
  public List<Loss> acceptedLosses() {
    return acceptedLosses;
  }

  /**
   * The policy module's view of the spec rendered as this workload: the spec's facts, with each loss
   * the caller accepted recorded, for the rule {@code accepted-loss} (as
   * {@link SwarmDeployer#policyView} for a Swarm service).
   *
   * <pre>{@code
   * PolicyReport r = Profiles.carapaceDefault().evaluate(pod.policyView());
   * }</pre>
   */
  public ContainerView policyView() {
    ContainerView view = ContainerView.of(spec);
    for (Loss loss : acceptedLosses) {
      view = view.acceptingLoss(loss.attribute().builderName(), loss.target(), loss.reason());
    }
    return view;
  }

  @Override
  public String toString() {
    return "KubernetesWorkload{" + kind.kubernetesName() + " " + name
        + (acceptedLosses.isEmpty() ? "" : ", accepted losses " + acceptedLosses) + "}";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KubernetesWorkload<?> w && w.kind == kind && w.yaml.equals(yaml)
        && w.acceptedLosses.equals(acceptedLosses) && w.spec.equals(spec);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, yaml, acceptedLosses, spec);
  }
}
