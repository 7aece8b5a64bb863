package dev.carapace.policy;

import dev.carapace.core.SpecAttribute;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The policy's decision for each {@link SpecAttribute}: which facts of {@link ContainerView#of} carry it
 * to the rules, or why it is not judged. A unit test fails when an attribute has no decision, and, for
 * each one, that changing it alone changes the view exactly when this table says the view carries it.
 */
final class ViewFields {
  private static final Map<SpecAttribute, String> CARRIED = new EnumMap<>(SpecAttribute.class);
  private static final Map<SpecAttribute, String> NOT_JUDGED = new EnumMap<>(SpecAttribute.class);

  static {
    carried(SpecAttribute.IMAGE, "image(), and name() when the spec names none");
    notJudged(SpecAttribute.COMMAND, "what the workload runs is its own business; no rule reads it");
    notJudged(SpecAttribute.ENTRYPOINT, "what the workload runs is its own business; no rule reads it");
    notJudged(SpecAttribute.ENV, "env values may be secrets: the view holds none");
    notJudged(SpecAttribute.WORKING_DIR, "a working directory loosens nothing");
    carried(SpecAttribute.USER, "user()");
    notJudged(SpecAttribute.LABELS, "labels loosen nothing (the untrusted mark is untrusted())");
    carried(SpecAttribute.NAME, "name()");
    notJudged(SpecAttribute.HOSTNAME, "a hostname loosens nothing");
    carried(SpecAttribute.DROP_ALL_CAPABILITIES, "droppedCapabilities() holds ALL");
    carried(SpecAttribute.ADDED_CAPABILITIES, "addedCapabilities()");
    carried(SpecAttribute.DROPPED_CAPABILITIES, "droppedCapabilities()");
    carried(SpecAttribute.NO_NEW_PRIVILEGES, "securityOptions().noNewPrivileges()");
    carried(SpecAttribute.SECCOMP, "securityOptions().seccomp(), seccompState()");
    carried(SpecAttribute.SELINUX_LABEL, "securityOptions().selinuxLabelParts()");
    carried(SpecAttribute.APPARMOR_PROFILE, "apparmorProfile(), securityOptions().apparmorProfile()");
    carried(SpecAttribute.CPUSET_CPUS, "cpusetCpus()");
    carried(SpecAttribute.CPU_SHARES, "cpuShares()");
    carried(SpecAttribute.CPU_QUOTA, "cpuQuota()");
    carried(SpecAttribute.CPU_PERIOD, "cpuPeriod()");
    carried(SpecAttribute.NANO_CPUS, "nanoCpus()");
    carried(SpecAttribute.MEMORY_LIMIT, "memory()");
    notJudged(SpecAttribute.MEMORY_SWAP, "swap needs a memory limit, which memory() carries; no rule limits swap");
    carried(SpecAttribute.PIDS_LIMIT, "pidsLimit()");
    carried(SpecAttribute.ULIMITS, "ulimits()");
    carried(SpecAttribute.LOG_CONFIG, "logDriver(), logOptions()");
    carried(SpecAttribute.READ_ONLY_ROOT_FILESYSTEM, "readOnlyRootfs()");
    carried(SpecAttribute.MOUNTS, "mounts()");
    carried(SpecAttribute.NETWORK, "networkMode()");
    carried(SpecAttribute.PORTS, "ports()");
    carried(SpecAttribute.RESTART_POLICY, "restartPolicy()");
    carried(SpecAttribute.HEALTH_CHECK, "healthcheck()");
    notJudged(SpecAttribute.INIT, "an init process loosens nothing");
    notJudged(SpecAttribute.STOP_SIGNAL, "how a container is stopped loosens nothing");
    notJudged(SpecAttribute.STOP_TIMEOUT, "how a container is stopped loosens nothing");
    carried(SpecAttribute.RUNTIME, "runtime()");
    carried(SpecAttribute.UNTRUSTED, "untrusted()");
    notJudged(SpecAttribute.EXTRA_HOSTS, "a line of /etc/hosts names an address the network already lets it reach");
    notJudged(SpecAttribute.DNS_SERVERS, "which resolver it asks loosens nothing its network does not allow");
    notJudged(SpecAttribute.DNS_SEARCH, "search domains loosen nothing");
    notJudged(SpecAttribute.SHM_SIZE, "/dev/shm is charged to the memory limit (memory()), which the spec bounds it by");
    carried(SpecAttribute.SYSCTLS, "sysctls()");
    notJudged(SpecAttribute.NETWORK_ALIASES, "a name on a network loosens nothing");
    notJudged(SpecAttribute.ADDITIONAL_NETWORKS, "more user-defined networks are judged by the launcher, which requires"
        + " each to exist; no rule reads networks beyond networkMode()");
    notJudged(SpecAttribute.PLATFORM, "which platform's image runs loosens nothing");
    notJudged(SpecAttribute.TTY, "a terminal loosens nothing");
    notJudged(SpecAttribute.OPEN_STDIN, "an open stdin loosens nothing");
  }

  private ViewFields() {}

  private static void carried(SpecAttribute attribute, String facts) {
    CARRIED.put(attribute, facts);
  }

  private static void notJudged(SpecAttribute attribute, String why) {
    NOT_JUDGED.put(attribute, why);
  }

  /** The view facts that carry {@code attribute}; empty when the policy does not judge it. */
  static Optional<String> facts(SpecAttribute attribute) {
    return Optional.ofNullable(CARRIED.get(attribute));
  }

  /**
   * The decision for {@code attribute}, in one line: {@code view: pidsLimit()}, or {@code not judged:
   * <why>}; empty when the table has none.
   */
  static Optional<String> decision(SpecAttribute attribute) {
    if (CARRIED.containsKey(attribute)) {
      return Optional.of("view: " + CARRIED.get(attribute));
    }
    return Optional.ofNullable(NOT_JUDGED.get(attribute)).map(why -> "not judged: " + why);
  }
}
