package dev.carapace.policy;

import dev.carapace.core.SpecAttribute;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
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
  /** Each carried attribute's name in a violation's {@link Violation#attribute()}, in the rows' order. */
  private static final Map<SpecAttribute, String> REPORTED_AS = new LinkedHashMap<>();

  static {
    carried(SpecAttribute.IMAGE, "image", "image(), and name() when the spec names none");
    notJudged(SpecAttribute.COMMAND, "what the workload runs is its own business; no rule reads it");
    notJudged(SpecAttribute.ENTRYPOINT, "what the workload runs is its own business; no rule reads it");
    notJudged(SpecAttribute.ENV, "env values may be secrets: the view holds none");
    notJudged(SpecAttribute.WORKING_DIR, "a working directory loosens nothing");
    carried(SpecAttribute.USER, "user", "user()");
    notJudged(SpecAttribute.LABELS, "labels loosen nothing (the untrusted mark is untrusted())");
    carried(SpecAttribute.NAME, "name", "name()");
    notJudged(SpecAttribute.HOSTNAME, "a hostname loosens nothing");
    carried(SpecAttribute.DROP_ALL_CAPABILITIES, "capDrop", "droppedCapabilities() holds ALL");
    carried(SpecAttribute.ADDED_CAPABILITIES, "capAdd", "addedCapabilities()");
    carried(SpecAttribute.DROPPED_CAPABILITIES, "capDrop", "droppedCapabilities()");
    carried(SpecAttribute.NO_NEW_PRIVILEGES, "securityOpts", "securityOptions().noNewPrivileges()");
    carried(SpecAttribute.SECCOMP, "seccomp", "securityOptions().seccomp(), seccompState()");
    carried(SpecAttribute.SELINUX_LABEL, "selinuxLabel", "securityOptions().selinuxLabelParts()");
    carried(SpecAttribute.APPARMOR_PROFILE, "apparmorProfile",
        "apparmorProfile(), securityOptions().apparmorProfile()");
    carried(SpecAttribute.NANO_CPUS, "cpu", "nanoCpus()");
    carried(SpecAttribute.CPUSET_CPUS, "cpu", "cpusetCpus()");
    carried(SpecAttribute.CPU_SHARES, "cpu", "cpuShares()");
    carried(SpecAttribute.CPU_QUOTA, "cpu", "cpuQuota()");
    carried(SpecAttribute.CPU_PERIOD, "cpu", "cpuPeriod()");
    carried(SpecAttribute.MEMORY_LIMIT, "memory", "memory()");
    notJudged(SpecAttribute.MEMORY_SWAP, "swap needs a memory limit, which memory() carries; no rule limits swap");
    carried(SpecAttribute.PIDS_LIMIT, "pidsLimit", "pidsLimit()");
    carried(SpecAttribute.ULIMITS, "ulimits", "ulimits()");
    carried(SpecAttribute.LOG_CONFIG, "log", "logDriver(), logOptions()");
    carried(SpecAttribute.READ_ONLY_ROOT_FILESYSTEM, "readOnlyRootfs", "readOnlyRootfs()");
    carried(SpecAttribute.MOUNTS, "mounts", "mounts()");
    carried(SpecAttribute.NETWORK, "networkMode", "networkMode()");
    carried(SpecAttribute.PORTS, "ports", "ports()");
    carried(SpecAttribute.RESTART_POLICY, "restartPolicy", "restartPolicy()");
    carried(SpecAttribute.HEALTH_CHECK, "healthcheck", "healthcheck()");
    notJudged(SpecAttribute.INIT, "an init process loosens nothing");
    notJudged(SpecAttribute.STOP_SIGNAL, "how a container is stopped loosens nothing");
    notJudged(SpecAttribute.STOP_TIMEOUT, "how a container is stopped loosens nothing");
    carried(SpecAttribute.RUNTIME, "runtime", "runtime()");
    carried(SpecAttribute.UNTRUSTED, "untrusted", "untrusted()");
    notJudged(SpecAttribute.EXTRA_HOSTS, "a line of /etc/hosts names an address the network already lets it reach");
    notJudged(SpecAttribute.DNS_SERVERS, "which resolver it asks loosens nothing its network does not allow");
    notJudged(SpecAttribute.DNS_SEARCH, "search domains loosen nothing");
    notJudged(SpecAttribute.SHM_SIZE, "/dev/shm is charged to the memory limit (memory()), which the spec bounds it by");
    carried(SpecAttribute.SYSCTLS, "sysctls", "sysctls()");
    notJudged(SpecAttribute.NETWORK_ALIASES, "a name on a network loosens nothing");
    notJudged(SpecAttribute.ADDITIONAL_NETWORKS, "more user-defined networks are judged by the launcher, which requires"
        + " each to exist; no rule reads networks beyond networkMode()");
    notJudged(SpecAttribute.PLATFORM, "which platform's image runs loosens nothing");
    notJudged(SpecAttribute.TTY, "a terminal loosens nothing");
    notJudged(SpecAttribute.OPEN_STDIN, "an open stdin loosens nothing");
  }

  private ViewFields() {}

  /**
   * A row of an attribute the view carries: {@code reportedAs} is how the rules name it in a violation's
   * attribute ({@code readOnlyRootfs}, {@code mounts} for {@code mounts[0].source}); where several attributes are
   * reported under one name ({@code cpu}), the first row is the one a finding about its absence names.
   */
  private static void carried(SpecAttribute attribute, String reportedAs, String facts) {
    CARRIED.put(attribute, facts);
    REPORTED_AS.put(attribute, reportedAs);
  }

  /**
   * The spec attributes a violation's {@code attribute} is about ({@code mounts[0].source} is about
   * {@link SpecAttribute#MOUNTS}, {@code cpu} about the CPU limits, {@link SpecAttribute#NANO_CPUS} first); empty
   * when it is about something a spec cannot hold ({@code privileged}, {@code pidMode}).
   */
  static List<SpecAttribute> reportedAs(String attribute) {
    String head = attribute.split("[.\\[]", 2)[0];
    List<SpecAttribute> about = new ArrayList<>();
    REPORTED_AS.forEach((a, name) -> {
      if (name.equals(head)) {
        about.add(a);
      }
    });
    return List.copyOf(about);
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
