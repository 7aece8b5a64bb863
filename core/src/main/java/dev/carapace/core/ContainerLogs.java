package dev.carapace.core;

/**
 * A container's output so far ({@code docker logs}), streams apart. Empty when the log driver keeps
 * nothing readable (none, syslog, journald on engines without dual logging).
 *
 * @param stdout standard output
 * @param stderr standard error
 */
public record ContainerLogs(String stdout, String stderr) {}
