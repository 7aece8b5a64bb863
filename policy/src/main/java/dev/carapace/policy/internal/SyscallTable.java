package dev.carapace.policy.internal;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * System call numbers to names, and the names Docker's default profile allows. <b>Generated</b> by
 * {@code policy/tools/gen_syscall_table.py}; do not edit by hand.
 *
 * <ul>
 *   <li>numbers: libseccomp's {@code src/syscalls.csv} at commit 90d3f7dd6f52dbf0f4a38ebd0657032b6ef05e6a (kernel v7.1.0-rc4),
 *       the x86_64 column cross-checked against the 362 numbers of Debian's
 *       {@code asm/unistd_64.h} (linux-libc-dev 6.1): no disagreement;
 *   <li>Docker's default profile: moby {@code profiles/seccomp/default.json} at v20.10.24 (the
 *       engine on the test bed), every name with an {@code SCMP_ACT_ALLOW} rule, 404 names
 *       (some of them allowed only with a capability, an argument or an architecture).
 * </ul>
 */
public final class SyscallTable {
  private SyscallTable() {}

  /** Where the numbers come from, for messages and docs. */
  public static final String SOURCE = "libseccomp syscalls.csv 90d3f7dd6f52 (Linux v7.1.0-rc4)";

  /** The engine version whose default profile {@link #DOCKER_DEFAULT_ALLOWED} is. */
  public static final String DOCKER_PROFILE_VERSION = "v20.10.24";

  private static final String[] X86_64 = {
      "read", "write", "open", "close", "stat", "fstat", "lstat", "poll", "lseek", "mmap", "mprotect",
      "munmap", "brk", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "ioctl", "pread64", "pwrite64",
      "readv", "writev", "access", "pipe", "select", "sched_yield", "mremap", "msync", "mincore", "madvise",
      "shmget", "shmat", "shmctl", "dup", "dup2", "pause", "nanosleep", "getitimer", "alarm", "setitimer",
      "getpid", "sendfile", "socket", "connect", "accept", "sendto", "recvfrom", "sendmsg", "recvmsg",
      "shutdown", "bind", "listen", "getsockname", "getpeername", "socketpair", "setsockopt", "getsockopt",
      "clone", "fork", "vfork", "execve", "exit", "wait4", "kill", "uname", "semget", "semop", "semctl",
      "shmdt", "msgget", "msgsnd", "msgrcv", "msgctl", "fcntl", "flock", "fsync", "fdatasync", "truncate",
      "ftruncate", "getdents", "getcwd", "chdir", "fchdir", "rename", "mkdir", "rmdir", "creat", "link",
      "unlink", "symlink", "readlink", "chmod", "fchmod", "chown", "fchown", "lchown", "umask",
      "gettimeofday", "getrlimit", "getrusage", "sysinfo", "times", "ptrace", "getuid", "syslog", "getgid",
      "setuid", "setgid", "geteuid", "getegid", "setpgid", "getppid", "getpgrp", "setsid", "setreuid",
      "setregid", "getgroups", "setgroups", "setresuid", "getresuid", "setresgid", "getresgid", "getpgid",
      "setfsuid", "setfsgid", "getsid", "capget", "capset", "rt_sigpending", "rt_sigtimedwait",
      "rt_sigqueueinfo", "rt_sigsuspend", "sigaltstack", "utime", "mknod", "uselib", "personality", "ustat",
      "statfs", "fstatfs", "sysfs", "getpriority", "setpriority", "sched_setparam", "sched_getparam",
      "sched_setscheduler", "sched_getscheduler", "sched_get_priority_max", "sched_get_priority_min",
      "sched_rr_get_interval", "mlock", "munlock", "mlockall", "munlockall", "vhangup", "modify_ldt",
      "pivot_root", "_sysctl", "prctl", "arch_prctl", "adjtimex", "setrlimit", "chroot", "sync", "acct",
      "settimeofday", "mount", "umount2", "swapon", "swapoff", "reboot", "sethostname", "setdomainname",
      "iopl", "ioperm", "create_module", "init_module", "delete_module", "get_kernel_syms", "query_module",
      "quotactl", "nfsservctl", "getpmsg", "putpmsg", "afs_syscall", "tuxcall", "security", "gettid",
      "readahead", "setxattr", "lsetxattr", "fsetxattr", "getxattr", "lgetxattr", "fgetxattr", "listxattr",
      "llistxattr", "flistxattr", "removexattr", "lremovexattr", "fremovexattr", "tkill", "time", "futex",
      "sched_setaffinity", "sched_getaffinity", "set_thread_area", "io_setup", "io_destroy", "io_getevents",
      "io_submit", "io_cancel", "get_thread_area", "lookup_dcookie", "epoll_create", "epoll_ctl_old",
      "epoll_wait_old", "remap_file_pages", "getdents64", "set_tid_address", "restart_syscall", "semtimedop",
      "fadvise64", "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun", "timer_delete",
      "clock_settime", "clock_gettime", "clock_getres", "clock_nanosleep", "exit_group", "epoll_wait",
      "epoll_ctl", "tgkill", "utimes", "vserver", "mbind", "set_mempolicy", "get_mempolicy", "mq_open",
      "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr", "kexec_load", "waitid",
      "add_key", "request_key", "keyctl", "ioprio_set", "ioprio_get", "inotify_init", "inotify_add_watch",
      "inotify_rm_watch", "migrate_pages", "openat", "mkdirat", "mknodat", "fchownat", "futimesat",
      "newfstatat", "unlinkat", "renameat", "linkat", "symlinkat", "readlinkat", "fchmodat", "faccessat",
      "pselect6", "ppoll", "unshare", "set_robust_list", "get_robust_list", "splice", "tee",
      "sync_file_range", "vmsplice", "move_pages", "utimensat", "epoll_pwait", "signalfd", "timerfd_create",
      "eventfd", "fallocate", "timerfd_settime", "timerfd_gettime", "accept4", "signalfd4", "eventfd2",
      "epoll_create1", "dup3", "pipe2", "inotify_init1", "preadv", "pwritev", "rt_tgsigqueueinfo",
      "perf_event_open", "recvmmsg", "fanotify_init", "fanotify_mark", "prlimit64", "name_to_handle_at",
      "open_by_handle_at", "clock_adjtime", "syncfs", "sendmmsg", "setns", "getcpu", "process_vm_readv",
      "process_vm_writev", "kcmp", "finit_module", "sched_setattr", "sched_getattr", "renameat2", "seccomp",
      "getrandom", "memfd_create", "kexec_file_load", "bpf", "execveat", "userfaultfd", "membarrier",
      "mlock2", "copy_file_range", "preadv2", "pwritev2", "pkey_mprotect", "pkey_alloc", "pkey_free",
      "statx", "io_pgetevents", "rseq", "uretprobe", "uprobe", null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, "pidfd_send_signal",
      "io_uring_setup", "io_uring_enter", "io_uring_register", "open_tree", "move_mount", "fsopen",
      "fsconfig", "fsmount", "fspick", "pidfd_open", "clone3", "close_range", "openat2", "pidfd_getfd",
      "faccessat2", "process_madvise", "epoll_pwait2", "mount_setattr", "quotactl_fd",
      "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self", "memfd_secret",
      "process_mrelease", "futex_waitv", "set_mempolicy_home_node", "cachestat", "fchmodat2",
      "map_shadow_stack", "futex_wake", "futex_wait", "futex_requeue", "statmount", "listmount",
      "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules", "mseal", "setxattrat", "getxattrat",
      "listxattrat", "removexattrat", "open_tree_attr", "file_getattr", "file_setattr", "listns",
      "rseq_slice_yield",
  };

  private static final String[] AARCH64 = {
      "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "setxattr", "lsetxattr",
      "fsetxattr", "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr", "flistxattr",
      "removexattr", "lremovexattr", "fremovexattr", "getcwd", "lookup_dcookie", "eventfd2", "epoll_create1",
      "epoll_ctl", "epoll_pwait", "dup", "dup3", "fcntl", "inotify_init1", "inotify_add_watch",
      "inotify_rm_watch", "ioctl", "ioprio_set", "ioprio_get", "flock", "mknodat", "mkdirat", "unlinkat",
      "symlinkat", "linkat", "renameat", "umount2", "mount", "pivot_root", "nfsservctl", "statfs", "fstatfs",
      "truncate", "ftruncate", "fallocate", "faccessat", "chdir", "fchdir", "chroot", "fchmod", "fchmodat",
      "fchownat", "fchown", "openat", "close", "vhangup", "pipe2", "quotactl", "getdents64", "lseek", "read",
      "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "sendfile", "pselect6",
      "ppoll", "signalfd4", "vmsplice", "splice", "tee", "readlinkat", "newfstatat", "fstat", "sync",
      "fsync", "fdatasync", "sync_file_range", "timerfd_create", "timerfd_settime", "timerfd_gettime",
      "utimensat", "acct", "capget", "capset", "personality", "exit", "exit_group", "waitid",
      "set_tid_address", "unshare", "futex", "set_robust_list", "get_robust_list", "nanosleep", "getitimer",
      "setitimer", "kexec_load", "init_module", "delete_module", "timer_create", "timer_gettime",
      "timer_getoverrun", "timer_settime", "timer_delete", "clock_settime", "clock_gettime", "clock_getres",
      "clock_nanosleep", "syslog", "ptrace", "sched_setparam", "sched_setscheduler", "sched_getscheduler",
      "sched_getparam", "sched_setaffinity", "sched_getaffinity", "sched_yield", "sched_get_priority_max",
      "sched_get_priority_min", "sched_rr_get_interval", "restart_syscall", "kill", "tkill", "tgkill",
      "sigaltstack", "rt_sigsuspend", "rt_sigaction", "rt_sigprocmask", "rt_sigpending", "rt_sigtimedwait",
      "rt_sigqueueinfo", "rt_sigreturn", "setpriority", "getpriority", "reboot", "setregid", "setgid",
      "setreuid", "setuid", "setresuid", "getresuid", "setresgid", "getresgid", "setfsuid", "setfsgid",
      "times", "setpgid", "getpgid", "getsid", "setsid", "getgroups", "setgroups", "uname", "sethostname",
      "setdomainname", "getrlimit", "setrlimit", "getrusage", "umask", "prctl", "getcpu", "gettimeofday",
      "settimeofday", "adjtimex", "getpid", "getppid", "getuid", "geteuid", "getgid", "getegid", "gettid",
      "sysinfo", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
      "msgget", "msgctl", "msgrcv", "msgsnd", "semget", "semctl", "semtimedop", "semop", "shmget", "shmctl",
      "shmat", "shmdt", "socket", "socketpair", "bind", "listen", "accept", "connect", "getsockname",
      "getpeername", "sendto", "recvfrom", "setsockopt", "getsockopt", "shutdown", "sendmsg", "recvmsg",
      "readahead", "brk", "munmap", "mremap", "add_key", "request_key", "keyctl", "clone", "execve", "mmap",
      "fadvise64", "swapon", "swapoff", "mprotect", "msync", "mlock", "munlock", "mlockall", "munlockall",
      "mincore", "madvise", "remap_file_pages", "mbind", "get_mempolicy", "set_mempolicy", "migrate_pages",
      "move_pages", "rt_tgsigqueueinfo", "perf_event_open", "accept4", "recvmmsg", null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, "wait4", "prlimit64",
      "fanotify_init", "fanotify_mark", "name_to_handle_at", "open_by_handle_at", "clock_adjtime", "syncfs",
      "setns", "sendmmsg", "process_vm_readv", "process_vm_writev", "kcmp", "finit_module", "sched_setattr",
      "sched_getattr", "renameat2", "seccomp", "getrandom", "memfd_create", "bpf", "execveat", "userfaultfd",
      "membarrier", "mlock2", "copy_file_range", "preadv2", "pwritev2", "pkey_mprotect", "pkey_alloc",
      "pkey_free", "statx", "io_pgetevents", "rseq", "kexec_file_load", null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, "pidfd_send_signal", "io_uring_setup", "io_uring_enter", "io_uring_register",
      "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "pidfd_open", "clone3",
      "close_range", "openat2", "pidfd_getfd", "faccessat2", "process_madvise", "epoll_pwait2",
      "mount_setattr", "quotactl_fd", "landlock_create_ruleset", "landlock_add_rule",
      "landlock_restrict_self", "memfd_secret", "process_mrelease", "futex_waitv", "set_mempolicy_home_node",
      "cachestat", "fchmodat2", "map_shadow_stack", "futex_wake", "futex_wait", "futex_requeue", "statmount",
      "listmount", "lsm_get_self_attr", "lsm_set_self_attr", "lsm_list_modules", "mseal", "setxattrat",
      "getxattrat", "listxattrat", "removexattrat", "open_tree_attr", "file_getattr", "file_setattr",
      "listns", "rseq_slice_yield",
  };

  /** Every name with an {@code SCMP_ACT_ALLOW} rule in Docker's default profile (404). */
  public static final Set<String> DOCKER_DEFAULT_ALLOWED = Set.of(
      "_llseek", "_newselect", "accept", "accept4", "access", "acct", "adjtimex", "alarm", "arch_prctl",
      "arm_fadvise64_64", "arm_sync_file_range", "bind", "bpf", "breakpoint", "brk", "cacheflush", "capget",
      "capset", "chdir", "chmod", "chown", "chown32", "chroot", "clock_adjtime", "clock_adjtime64",
      "clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
      "clock_nanosleep_time64", "clock_settime", "clone", "clone3", "close", "close_range", "connect",
      "copy_file_range", "creat", "delete_module", "dup", "dup2", "dup3", "epoll_create", "epoll_create1",
      "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd",
      "eventfd2", "execve", "execveat", "exit", "exit_group", "faccessat", "faccessat2", "fadvise64",
      "fadvise64_64", "fallocate", "fanotify_init", "fanotify_mark", "fchdir", "fchmod", "fchmodat",
      "fchown", "fchown32", "fchownat", "fcntl", "fcntl64", "fdatasync", "fgetxattr", "finit_module",
      "flistxattr", "flock", "fork", "fremovexattr", "fsconfig", "fsetxattr", "fsmount", "fsopen", "fspick",
      "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex",
      "futex_time64", "futex_waitv", "futimesat", "get_mempolicy", "get_robust_list", "get_thread_area",
      "getcpu", "getcwd", "getdents", "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid",
      "getgid32", "getgroups", "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid",
      "getppid", "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32",
      "getrlimit", "getrusage", "getsid", "getsockname", "getsockopt", "gettid", "gettimeofday", "getuid",
      "getuid32", "getxattr", "init_module", "inotify_add_watch", "inotify_init", "inotify_init1",
      "inotify_rm_watch", "io_cancel", "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
      "io_setup", "io_submit", "io_uring_enter", "io_uring_register", "io_uring_setup", "ioctl", "ioperm",
      "iopl", "ioprio_get", "ioprio_set", "ipc", "kcmp", "kill", "landlock_add_rule",
      "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link",
      "linkat", "listen", "listxattr", "llistxattr", "lookup_dcookie", "lremovexattr", "lseek", "lsetxattr",
      "lstat", "lstat64", "madvise", "mbind", "membarrier", "memfd_create", "memfd_secret", "mincore",
      "mkdir", "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2", "modify_ldt",
      "mount", "mount_setattr", "move_mount", "mprotect", "mq_getsetattr", "mq_notify", "mq_open",
      "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend", "mq_timedsend_time64", "mq_unlink",
      "mremap", "msgctl", "msgget", "msgrcv", "msgsnd", "msync", "munlock", "munlockall", "munmap",
      "name_to_handle_at", "nanosleep", "newfstatat", "open", "open_by_handle_at", "open_tree", "openat",
      "openat2", "pause", "perf_event_open", "personality", "pidfd_getfd", "pidfd_open", "pidfd_send_signal",
      "pipe", "pipe2", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
      "process_madvise", "process_mrelease", "process_vm_readv", "process_vm_writev", "pselect6",
      "pselect6_time64", "ptrace", "pwrite64", "pwritev", "pwritev2", "quotactl", "quotactl_fd", "read",
      "readahead", "readlink", "readlinkat", "readv", "reboot", "recv", "recvfrom", "recvmmsg",
      "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename", "renameat", "renameat2",
      "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending", "rt_sigprocmask",
      "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
      "rt_tgsigqueueinfo", "s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr",
      "sched_get_priority_max", "sched_get_priority_min", "sched_getaffinity", "sched_getattr",
      "sched_getparam", "sched_getscheduler", "sched_rr_get_interval", "sched_rr_get_interval_time64",
      "sched_setaffinity", "sched_setattr", "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp",
      "select", "semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send", "sendfile",
      "sendfile64", "sendmmsg", "sendmsg", "sendto", "set_mempolicy", "set_robust_list", "set_thread_area",
      "set_tid_address", "set_tls", "setdomainname", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32",
      "setgid", "setgid32", "setgroups", "setgroups32", "sethostname", "setitimer", "setns", "setpgid",
      "setpriority", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid", "setresuid32",
      "setreuid", "setreuid32", "setrlimit", "setsid", "setsockopt", "settimeofday", "setuid", "setuid32",
      "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4",
      "sigprocmask", "sigreturn", "socket", "socketcall", "socketpair", "splice", "stat", "stat64", "statfs",
      "statfs64", "statx", "stime", "symlink", "symlinkat", "sync", "sync_file_range", "sync_file_range2",
      "syncfs", "sysinfo", "syslog", "tee", "tgkill", "time", "timer_create", "timer_delete",
      "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64",
      "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime", "timerfd_settime64",
      "times", "tkill", "truncate", "truncate64", "ugetrlimit", "umask", "umount", "umount2", "uname",
      "unlink", "unlinkat", "unshare", "utime", "utimensat", "utimensat_time64", "utimes", "vfork",
      "vhangup", "vmsplice", "wait4", "waitid", "waitpid", "write", "writev");

  /**
   * The name of system call {@code number} on {@code arch} ({@code x86_64} or {@code aarch64}, as
   * {@code uname -m} spells them); empty for an unknown architecture or number.
   */
  public static Optional<String> name(String arch, int number) {
    String[] table = table(arch);
    return table == null || number < 0 || number >= table.length ? Optional.empty()
        : Optional.ofNullable(table[number]);
  }

  /** Whether {@code arch} has a table. */
  public static boolean knows(String arch) {
    return table(arch) != null;
  }

  /** Every name {@code arch} has (empty for an unknown architecture). */
  public static Set<String> names(String arch) {
    String[] table = table(arch);
    TreeSet<String> out = new TreeSet<>();
    if (table != null) {
      for (String s : table) {
        if (s != null) {
          out.add(s);
        }
      }
    }
    return out;
  }

  private static String[] table(String arch) {
    switch (arch) {
      case "x86_64":
        return X86_64;
      case "aarch64":
        return AARCH64;
      default:
        return null;
    }
  }
}
