/**
 * Carapace beyond one engine: a {@code SecureContainerSpec} deployed as a Docker Swarm service or
 * rendered as a Kubernetes workload. Every field of the spec is carried, refused before any call, or
 * dropped only as a loss the caller accepted by name, and reported by the policy module.
 */
package dev.carapace.cluster;
