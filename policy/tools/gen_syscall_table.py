#!/usr/bin/env python3
"""Generates policy/src/main/java/dev/carapace/policy/internal/SyscallTable.java.

Inputs (both public, both pinned in the generated header):
  1. libseccomp's src/syscalls.csv (github.com/seccomp/libseccomp): one row per system call with its
     number on every architecture, kept in step with the kernel's own syscall tables;
  2. Docker's default seccomp profile, profiles/seccomp/default.json at the engine's tag (v20.10.24).
Checks: every x86_64 number agrees with /usr/include/x86_64-linux-gnu/asm/unistd_64.h where that
header has it, no number appears twice. Any disagreement stops the script.

usage: gen_syscall_table.py syscalls.csv CSV_COMMIT default.json MOBY_TAG OUT.java
  (git -C libseccomp show HEAD:src/syscalls.csv; git -C moby show v20.10.24:profiles/seccomp/default.json)
"""
import json
import os
import re
import sys

csv_path, csv_commit, profile_path, moby_tag, out = sys.argv[1:6]
rows = [l.rstrip('\n') for l in open(csv_path) if l.strip()]
header = rows[0].lstrip('#').split(',')
kernel = re.search(r'\((v[^ ]+)', header[0]).group(1)
col = {name: i for i, name in enumerate(header)}
tables = {'x86_64': {}, 'aarch64': {}}
for r in rows[1:]:
    if r.startswith('#'):
        continue
    f = r.split(',')
    for arch in tables:
        v = f[col[arch]]
        if v.isdigit():
            n = int(v)
            if n in tables[arch]:
                sys.exit(f'{arch}: number {n} twice: {tables[arch][n]} and {f[0]}')
            tables[arch][n] = f[0]

hdr = '/usr/include/x86_64-linux-gnu/asm/unistd_64.h'
checked = 0
if os.path.exists(hdr):
    for m in re.finditer(r'#define __NR_(\w+) (\d+)', open(hdr).read()):
        name, n = m.group(1), int(m.group(2))
        if tables['x86_64'].get(n) != name:
            sys.exit(f'x86_64 {n}: header says {name}, csv says {tables["x86_64"].get(n)}')
        checked += 1

profile = json.load(open(profile_path))
allowed = set()
for s in profile['syscalls']:
    if s['action'] == 'SCMP_ACT_ALLOW':
        allowed.update(s['names'])
known = set(tables['x86_64'].values()) | set(tables['aarch64'].values())
unknown = sorted(allowed - known)


def wrap(items):
    lines, line = [], '      '
    for it in items:
        if len(line) + len(it) + 2 > 110:
            lines.append(line.rstrip())
            line = '      '
        line += it + ', '
    lines.append(line.rstrip())
    return '\n'.join(lines)


def arr(table):
    return wrap([f'"{table[i]}"' if i in table else 'null' for i in range(max(table) + 1)])


java = f'''package dev.carapace.policy.internal;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * System call numbers to names, and the names Docker's default profile allows. <b>Generated</b> by
 * {{@code policy/tools/gen_syscall_table.py}}; do not edit by hand.
 *
 * <ul>
 *   <li>numbers: libseccomp's {{@code src/syscalls.csv}} at commit {csv_commit} (kernel {kernel}),
 *       the x86_64 column cross-checked against the {checked} numbers of Debian's
 *       {{@code asm/unistd_64.h}} (linux-libc-dev 6.1): no disagreement;
 *   <li>Docker's default profile: moby {{@code profiles/seccomp/default.json}} at {moby_tag} (the
 *       engine on the test bed), every name with an {{@code SCMP_ACT_ALLOW}} rule, {len(allowed)} names
 *       (some of them allowed only with a capability, an argument or an architecture).
 * </ul>
 */
public final class SyscallTable {{
  private SyscallTable() {{}}

  /** Where the numbers come from, for messages and docs. */
  public static final String SOURCE = "libseccomp syscalls.csv {csv_commit[:12]} (Linux {kernel})";

  /** The engine version whose default profile {{@link #DOCKER_DEFAULT_ALLOWED}} is. */
  public static final String DOCKER_PROFILE_VERSION = "{moby_tag}";

  private static final String[] X86_64 = {{
{arr(tables['x86_64'])}
  }};

  private static final String[] AARCH64 = {{
{arr(tables['aarch64'])}
  }};

  /** Every name with an {{@code SCMP_ACT_ALLOW}} rule in Docker's default profile ({len(allowed)}). */
  public static final Set<String> DOCKER_DEFAULT_ALLOWED = Set.of(
{wrap([f'"{n}"' for n in sorted(allowed)]).rstrip(',')});

  /**
   * The name of system call {{@code number}} on {{@code arch}} ({{@code x86_64}} or {{@code aarch64}}, as
   * {{@code uname -m}} spells them); empty for an unknown architecture or number.
   */
  public static Optional<String> name(String arch, int number) {{
    String[] table = table(arch);
    return table == null || number < 0 || number >= table.length ? Optional.empty()
        : Optional.ofNullable(table[number]);
  }}

  /** Whether {{@code arch}} has a table. */
  public static boolean knows(String arch) {{
    return table(arch) != null;
  }}

  /** Every name {{@code arch}} has (empty for an unknown architecture). */
  public static Set<String> names(String arch) {{
    String[] table = table(arch);
    TreeSet<String> out = new TreeSet<>();
    if (table != null) {{
      for (String s : table) {{
        if (s != null) {{
          out.add(s);
        }}
      }}
    }}
    return out;
  }}

  private static String[] table(String arch) {{
    switch (arch) {{
      case "x86_64":
        return X86_64;
      case "aarch64":
        return AARCH64;
      default:
        return null;
    }}
  }}
}}
'''
open(out, 'w').write(java)
print(f'x86_64 {len(tables["x86_64"])} names, aarch64 {len(tables["aarch64"])}, header-checked {checked}, '
      f'docker allowed {len(allowed)}, unknown to the table: {unknown}')
