/**
 * The root of Carapace's exceptions, shared by every module. Every failure Carapace throws at run
 * time is an unchecked {@link dev.carapace.CarapaceException}; each names what it was doing (the
 * file, the image, the container, the service, the step), keeps the engine's own words when the engine
 * refused, and keeps the underlying failure as its cause.
 *
 * <pre>
 * CarapaceException                              (dev.carapace, module carapace-tls)
 *   TlsMaterialException                         TLS files missing, malformed or failing a check
 *   EngineException                              a Docker Engine call failed; step(), image(), containerId(), daemonMessage()
 *     LaunchException                            getting a container running: pull, create, verify, start
 *       ImageNotFoundException                   the image is not there and may not or could not be pulled
 *       RegistryAuthenticationException          a registry refused the pull's credentials
 *       RecordedMismatchException                the daemon did not record what the spec asked
 *     ContainerOperationException                an operation on a created container: wait, logs, stats, inspect, exec, copy, stop, remove, cleanup
 *       ExecTimeoutException                     an exec'd command did not exit in time
 *       WaitException                            a wait cannot succeed (the container exited first...)
 *         WaitTimeoutException                   a wait did not succeed in time
 *     EngineAuthenticationException              the endpoint (a proxy) refused the credentials, at any step
 *   PolicyViolationException                     an enforcing policy refused a spec (carapace-policy)
 *   SwarmException                               a Swarm service could not be deployed or managed (carapace-cluster)
 * </pre>
 *
 * <p>The step decides between the two engine kinds: {@code PULL}, {@code CREATE}, {@code VERIFY} and
 * {@code START} fail with a {@code LaunchException}, every other step with a
 * {@code ContainerOperationException}. Programmer errors are not here: an invalid value or spec throws
 * {@link java.lang.IllegalArgumentException} ({@code InvalidSpecException}, {@code UncarriableSpecException},
 * {@code InvalidManifestException}), a call at the wrong time {@link java.lang.IllegalStateException}.
 * No exception has a public constructor: only Carapace throws them.
 */
package dev.carapace;
