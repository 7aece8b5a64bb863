package dev.carapace.core;

import java.util.BitSet;
import java.util.Objects;

/**
 * A set of CPU numbers in the kernel's list format, as taken by {@code docker run --cpuset-cpus}
 * and shown in {@code /sys/fs/cgroup/cpuset/cpuset.cpus}.
 *
 * <pre>{@code
 * CpuSet.parse("0-2,5");   // CPUs 0, 1, 2 and 5
 * CpuSet.of(0);            // pin to the first core, the seed's --cpuset-cpus=0
 * }</pre>
 *
 * <p>Parsing checks the syntax; whether the engine has those CPUs is checked at launch.
 */
public final class CpuSet {
  /** Larger CPU numbers than this are refused (the kernel's NR_CPUS maximum is 8192). */
  public static final int MAX_CPU = 8191;

  private final BitSet cpus;
  private final String text;

  private CpuSet(BitSet cpus) {
    this.cpus = cpus;
    this.text = render(cpus);
  }

  /**
   * Parses {@code 0,1,2}, {@code 0-2}, {@code 0-1,3}. Blanks are not allowed, as in the kernel's format.
   *
   * @throws IllegalArgumentException naming the value and the rule it breaks
   */
  public static CpuSet parse(String list) {
    Objects.requireNonNull(list, "cpuset");
    if (list.isEmpty()) {
      throw new IllegalArgumentException("cpuset must not be empty: \"\"");
    }
    BitSet set = new BitSet();
    int i = 0;
    int n = list.length();
    while (i < n) {
      int start = i;
      int lo = readNumber(list, i);
      i = skipDigits(list, i);
      int hi = lo;
      if (i < n && list.charAt(i) == '-') {
        i++;
        hi = readNumber(list, i);
        i = skipDigits(list, i);
        if (hi < lo) {
          throw new IllegalArgumentException(
              "cpuset range must be ascending: " + list.substring(start, i) + " in " + list);
        }
      }
      set.set(lo, hi + 1);
      if (i < n) {
        if (list.charAt(i) != ',' || i == n - 1) {
          throw new IllegalArgumentException(
              "cpuset must be a list like 0-2,5: " + list);
        }
        i++;
      }
    }
    return new CpuSet(set);
  }

  private static int skipDigits(String s, int i) {
    while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  private static int readNumber(String s, int i) {
    int end = skipDigits(s, i);
    if (end == i) {
      throw new IllegalArgumentException("cpuset must be a list like 0-2,5: " + s);
    }
    if (end - i > 4) {
      throw new IllegalArgumentException("cpuset cpu must be at most " + MAX_CPU + ": " + s);
    }
    int v = Integer.parseInt(s, i, end, 10);
    if (v > MAX_CPU) {
      throw new IllegalArgumentException("cpuset cpu must be at most " + MAX_CPU + ": " + s);
    }
    return v;
  }

  /** A set of the given CPU numbers. */
  public static CpuSet of(int... cpus) {
    Objects.requireNonNull(cpus, "cpuset must not be null");
    if (cpus.length == 0) {
      throw new IllegalArgumentException("cpuset must not be empty: []");
    }
    BitSet set = new BitSet();
    for (int c : cpus) {
      if (c < 0 || c > MAX_CPU) {
        throw new IllegalArgumentException("cpuset cpu must be between 0 and " + MAX_CPU + ": " + c);
      }
      set.set(c);
    }
    return new CpuSet(set);
  }

  /** Whether CPU {@code cpu} is in this set. */
  public boolean contains(int cpu) {
    return cpu >= 0 && cpus.get(cpu);
  }

  /** The highest CPU number in the set. */
  public int highest() {
    return cpus.length() - 1;
  }

  /** How many CPUs the set holds. */
  public int size() {
    return cpus.cardinality();
  }

  /** The CPU numbers, ascending. */
  public int[] cpus() {
    return cpus.stream().toArray();
  }

  /** Whether every CPU of this set is also in {@code other}. */
  public boolean isSubsetOf(CpuSet other) {
    BitSet copy = (BitSet) cpus.clone();
    copy.andNot(other.cpus);
    return copy.isEmpty();
  }

  private static String render(BitSet set) {
    StringBuilder sb = new StringBuilder();
    int i = set.nextSetBit(0);
    while (i >= 0) {
      int end = set.nextClearBit(i) - 1;
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(i);
      if (end > i) {
        sb.append('-').append(end);
      }
      i = set.nextSetBit(end + 1);
    }
    return sb.toString();
  }

  /** The canonical list form, {@code 0-2,5}: what Docker records and {@code cpuset.cpus} shows. */
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CpuSet && ((CpuSet) o).cpus.equals(cpus);
  }

  @Override
  public int hashCode() {
    return cpus.hashCode();
  }
}
