/**
 * Carapace policy: judges containers, before launch and while they run, against named rules from
 * the CIS Docker Benchmark 1.6, the Kubernetes Pod Security Standards (mapped onto Docker's
 * fields) and Carapace's own; minimises capabilities against the real engine; generates SELinux
 * policy modules.
 *
 * <p>Every rule reads a {@link dev.carapace.policy.ContainerView}, a neutral set of facts built
 * from a {@link dev.carapace.core.SecureContainerSpec} or from a running container's inspect JSON,
 * so the same rule judges both.
 *
 * <pre>{@code
 * PolicyReport report = Profiles.carapaceDefault().evaluate(spec);
 * System.out.println(report.toText());
 * }</pre>
 *
 * <p>Types under {@code dev.carapace.policy.internal} are not API: they may change in any release.
 */
@ValueStyle
package dev.carapace.policy;

import dev.carapace.policy.internal.ValueStyle;
