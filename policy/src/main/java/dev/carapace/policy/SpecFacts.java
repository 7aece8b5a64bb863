package dev.carapace.policy;

import dev.carapace.core.HealthCheck;
import dev.carapace.core.Mount;
import dev.carapace.core.PortBinding;
import dev.carapace.core.SecureContainerSpec;
import dev.carapace.core.SecurityOptions;
import dev.carapace.core.Ulimit;
import java.util.Optional;

/**
 * Builds a {@link ContainerView} from a spec, in the terms the engine will record; {@link ViewFields}
 * says, per spec attribute, which of these facts carry it or why none does.
 */
final class SpecFacts {
  private SpecFacts() {}

  static ContainerView view(SecureContainerSpec spec, Optional<ImageFacts> image) {
    ContainerView.Builder b = ContainerView.builder()
        .name(spec.name().orElse(spec.image()))
        .image(spec.image())
        .origin(ContainerView.Origin.SPEC)
        .user(spec.user())
        .imageFacts(image)
        .securityOptions(SecurityOptions.of(spec))
        .addedCapabilities(CapabilitiesView.of(spec.addedCapabilities()))
        .droppedCapabilities(spec.dropAllCapabilities() ? CapabilitiesView.allCapabilities()
            : CapabilitiesView.of(spec.droppedCapabilities()))
        .networkMode(spec.network().toString())
        .memory(spec.memoryLimit())
        .cpuShares(spec.cpuShares().orElse(0))
        .cpuQuota(spec.cpuQuota().orElse(0))
        .cpuPeriod(spec.cpuPeriod().orElse(0))
        .nanoCpus(spec.nanoCpus().orElse(0))
        .cpusetCpus(spec.cpusetCpus())
        .pidsLimit(spec.pidsLimit().orElse(-1))
        .readOnlyRootfs(spec.readOnlyRootFilesystem())
        .apparmorProfile(spec.apparmorProfile())
        .healthcheck(spec.healthCheck().map(HealthCheck::test))
        .runtime(spec.runtime().name().orElse(""))
        .untrusted(spec.untrusted())
        .putAllSysctls(spec.sysctls());
    for (Mount m : spec.mounts()) {
      b.addMount(MountView.of(m));
    }
    for (PortBinding p : spec.ports()) {
      b.addPort(PortView.of(p));
    }
    spec.restartPolicy().ifPresent(b::restartPolicy);
    spec.logConfig().ifPresent(l -> b.logDriver(l.driver()).putAllLogOptions(l.options()));
    for (Ulimit u : spec.ulimits()) {
      b.addUlimit(u.toString());
    }
    return b.build();
  }
}
