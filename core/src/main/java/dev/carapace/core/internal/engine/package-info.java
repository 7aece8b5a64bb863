/**
 * The engine session and what it does: clients, deadlines, the daemon's error wording, tracking;
 * networks, exec, files, statistics. The engine layer: it imports the fields and values layers, never
 * the operations ({@code ContainerLauncher}, {@code RunningContainer}, ...).
 *
 * <p>Not API: it may change in any release.
 */
package dev.carapace.core.internal.engine;
