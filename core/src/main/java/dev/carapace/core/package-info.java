/**
 * Carapace core: {@link dev.carapace.core.SecureContainerSpec}, a validated, hardened-by-default
 * description of a container, and {@link dev.carapace.core.ContainerLauncher}, which runs it on a
 * Docker Engine and never leaks it.
 *
 * <p>Types under {@code dev.carapace.core.internal} are not API: they may change in any release.
 */
@ValueStyle
package dev.carapace.core;

import dev.carapace.core.internal.values.ValueStyle;
