"""Confine the current process (a grading kernel) with rlimits, Landlock and seccomp.

Standard library only, usable by file path (``runpy.run_path``) before anything else
is imported; Linux on x86_64 or aarch64, no root needed (works as root too).
``apply(policy)`` is one-way: call it while the process has one thread, and exit if it
raises :class:`SandboxError` (the process may then be half confined).

Guarantees, once ``apply`` returns (for this process, its threads and anything it execs):
- files: opening, listing, creating, removing, renaming, linking, truncating (Landlock
  ABI >= 3) and device ioctls (ABI >= 5) work only beneath the policy's paths, with
  their rights; symlinks and ``..`` do not escape (rules hold on the resolved file);
- no new processes: fork, vfork and clone without CLONE_THREAD fail (EPERM), clone3
  fails (ENOSYS; glibc falls back to clone for threads), so nothing outlives the
  process; PR_SET_PDEATHSIG (which it cannot change) kills it when its parent dies;
- no network: socket()/socketpair() work for AF_UNIX only; TCP bind/connect are also
  refused by Landlock (ABI >= 4), even on a socket opened before ``apply``;
- signals only to itself (seccomp checks the pid of kill, tgkill and rt_(tg)sigqueueinfo;
  tkill and pidfd_send_signal are refused), and with Landlock ABI >= 6 no signals to or
  abstract unix sockets of processes outside the sandbox either; no ptrace, process_vm_*, /proc/<pid>/environ|mem|fd of
  processes outside the sandbox (Landlock's ptrace rule, any ABI);
- no namespaces, mounts, chroot, modules, kexec, reboot, bpf, perf, userfaultfd,
  io_uring, keyrings, swap, clock setting, acct, quotas, syslog, iopl/ioperm, System V
  IPC and POSIX message queues (both outlive the process), TIOCSTI/TIOCLINUX; no
  capabilities (bounding set and every set emptied, no_new_privs: execve of a setuid
  program or as uid 0 gains nothing);
- with ``block_metadata`` (default): chmod/chown/utime/xattr changes by path, which
  Landlock does not cover, change nothing and return success (so ``shutil.copy`` and
  IPython's profile set-up still run); their fd forms (fchmod, futimens, ...) still work
  on files the process could open;
- limits: address space, CPU seconds, file size (EFBIG: Python ignores SIGXFSZ), open
  files, no core files; RLIMIT_NPROC where it binds (not for uid 0; it counts every
  thread of the user);
- after :func:`forbid_connect` (the caller's step, once the process has connected what
  it needs), no socket at all: connect(), sendmsg(), sendmmsg() and sendto() with an
  address fail for every thread, whatever the Landlock ABI.

Not guaranteed:
- pathname unix sockets before :func:`forbid_connect`: connect()/sendmsg() to one
  anywhere is not checked by Landlock before ABI 9 (LANDLOCK_ACCESS_FS_RESOLVE_UNIX,
  handled here when the kernel has it); only the file permissions and the peer's own
  authentication protect it until then;
- file metadata is not covered by Landlock: stat()/access()/readlink() of any path work
  (names, sizes, times of files outside can be probed), and without ``block_metadata``
  chmod/chown/utime/xattrs of files outside work too;
- /sys, and with ``proc="all"`` /proc, are readable as granted (the default
  ``proc="self"`` keeps /proc to the process's own entries and a few machine-wide files,
  so /proc/net/unix, which lists every unix socket's path, and other processes' cmdline
  stay hidden); stat() of /proc/<pid> still tells which pids exist;
- file descriptors open before ``apply`` (inherited ones included) keep their access:
  the caller starts the process with none it should not have (the grading launcher:
  stdin /dev/null, stdout and stderr a pipe of its own);
- a ``list_only`` directory's tree can be listed (names, not contents);
- execve is allowed (the new program inherits every restriction);
- disk: RLIMIT_FSIZE bounds each file, not their number: the scratch folder's total
  size is the caller's to check (or to put on a size-limited file system);
- memory: RLIMIT_AS bounds the address space, not kernel memory the process causes
  (page cache, pipe buffers); CPU time is per process, wall time is the caller's to bound;
- nothing about content: code the student writes may still call any library function.
"""

import ctypes
import errno
import json
import os
import platform
import resource
import signal
import stat
import struct
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field, fields

__all__ = [
    "Policy",
    "SandboxError",
    "apply",
    "apply_from_env",
    "forbid_connect",
    "probe",
    "missing",
    "default_read_paths",
    "listed_paths",
    "kernel_policy",
    "DEVICE_FILES",
    "PROC_FILES",
]

DEVICE_FILES = ("/dev/null", "/dev/zero", "/dev/random", "/dev/urandom")
# machine-wide /proc entries a Python kernel may read under Policy.proc == "self"
PROC_FILES = (
    "/proc/cpuinfo",
    "/proc/meminfo",
    "/proc/stat",
    "/proc/loadavg",
    "/proc/uptime",
    "/proc/version",
    "/proc/filesystems",
    "/proc/sys",
)


class SandboxError(RuntimeError):
    """The sandbox cannot be set up here; the message names what is missing, in one line."""


@dataclass
class Policy:
    """What a confined process may reach (JSON-serialisable; None limits are left as they are).

    read_only: trees or single files (execute, read files, list directories).
    list_only: directories whose tree may be listed, no file in it read (unless another rule allows).
    read_write: trees or single files (every right Landlock knows).
    socket_dirs: trees where unix sockets may be created (bind) and read.
    memory_mb (RLIMIT_AS), cpu_seconds (RLIMIT_CPU: SIGXCPU, SIGKILL a second later),
    file_mb (RLIMIT_FSIZE), open_files (RLIMIT_NOFILE), processes (RLIMIT_NPROC).
    block_metadata: make chmod/chown/utime/setxattr by path no-ops (see the module docstring).
    proc: "self" (default: the process's own /proc/<pid> entries but ``net``, resolved when
    ``apply`` runs, and PROC_FILES), "all" (the /proc tree) or "none".
    """

    read_only: list = field(default_factory=list)
    list_only: list = field(default_factory=list)
    read_write: list = field(default_factory=list)
    socket_dirs: list = field(default_factory=list)
    memory_mb: "int | None" = None
    cpu_seconds: "int | None" = None
    file_mb: "int | None" = None
    open_files: "int | None" = None
    processes: "int | None" = None
    block_metadata: bool = True
    proc: str = "self"

    def __post_init__(self):
        for name in ("read_only", "list_only", "read_write", "socket_dirs"):
            value = getattr(self, name)
            if not isinstance(value, (list, tuple)) or not all(
                isinstance(p, str) and os.path.isabs(p) and "\0" not in p for p in value
            ):
                raise SandboxError(f"Policy.{name}: expected a list of absolute path strings, got {value!r}")
            setattr(self, name, [str(p) for p in value])
        for name in ("memory_mb", "cpu_seconds", "file_mb", "open_files", "processes"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise SandboxError(f"Policy.{name}: expected a positive int or None, got {value!r}")
        if self.proc not in ("self", "all", "none"):
            raise SandboxError(f"Policy.proc: expected 'self', 'all' or 'none', got {self.proc!r}")
        if not isinstance(self.block_metadata, bool):
            raise SandboxError(f"Policy.block_metadata: expected a bool, got {self.block_metadata!r}")

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Policy":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise SandboxError(f"policy: expected a JSON object, got invalid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise SandboxError(f"policy: expected a JSON object, got {type(data).__name__}")
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise SandboxError(f"policy: unknown fields {unknown}")
        return cls(**data)


# --- libc -------------------------------------------------------------------------------

_libc = None


def _lib():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.syscall.restype = ctypes.c_long
        _libc.prctl.restype = ctypes.c_int
    return _libc


def _prctl(option, a2=0, a3=0, a4=0, a5=0):
    res = _lib().prctl(
        ctypes.c_int(option), ctypes.c_ulong(a2), ctypes.c_ulong(a3), ctypes.c_ulong(a4), ctypes.c_ulong(a5)
    )
    return res, (ctypes.get_errno() if res < 0 else 0)


def _syscall(nr, *args):
    res = _lib().syscall(ctypes.c_long(nr), *args)
    return res, (ctypes.get_errno() if res < 0 else 0)


# --- limits, prctls, capabilities -------------------------------------------------------


def _set_rlimits(policy):
    mb = 1024 * 1024
    wanted = {
        "RLIMIT_AS": policy.memory_mb and policy.memory_mb * mb,
        "RLIMIT_CPU": policy.cpu_seconds,
        "RLIMIT_FSIZE": policy.file_mb and policy.file_mb * mb,
        "RLIMIT_NOFILE": policy.open_files,
        "RLIMIT_NPROC": policy.processes,
        "RLIMIT_CORE": 0,
    }
    done = {}
    for name, value in wanted.items():
        if value is None:
            continue
        res = getattr(resource, name)
        _, hard = resource.getrlimit(res)
        hard_wanted = value + 1 if name == "RLIMIT_CPU" else value
        new_hard = hard_wanted if hard == resource.RLIM_INFINITY else min(hard_wanted, hard)
        try:
            resource.setrlimit(res, (min(value, new_hard), new_hard))
        except (ValueError, OSError) as exc:
            raise SandboxError(f"cannot set {name} to {value} ({exc})") from None
        done[name] = resource.getrlimit(res)
    return done


def _drop_capabilities():
    last = int(open("/proc/sys/kernel/cap_last_cap").read())
    bounding_dropped = all(_prctl(24, cap)[0] == 0 for cap in range(last + 1))  # PR_CAPBSET_DROP
    _prctl(47, 4)  # PR_CAP_AMBIENT_CLEAR_ALL

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()  # _LINUX_CAPABILITY_VERSION_3
    if _lib().capset(ctypes.byref(header), data) != 0:
        raise SandboxError(f"cannot drop capabilities: capset failed ({os.strerror(ctypes.get_errno())})")
    return {"bounding_set_dropped": bounding_dropped, "sets": "empty"}


# --- Landlock ---------------------------------------------------------------------------

_NR_CREATE, _NR_ADD_RULE, _NR_RESTRICT = 444, 445, 446  # the same on x86_64 and aarch64
_FS_EXECUTE, _FS_WRITE_FILE, _FS_READ_FILE, _FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_MAKE_SOCK, _FS_TRUNCATE, _FS_IOCTL_DEV, _FS_RESOLVE_UNIX = 1 << 9, 1 << 14, 1 << 15, 1 << 16
_FS_FILE_RIGHTS = _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The kernel's Landlock ABI version; SandboxError naming why there is none."""
    res, err = _syscall(_NR_CREATE, ctypes.c_void_p(None), ctypes.c_size_t(0), ctypes.c_uint32(1))
    if res >= 0:
        return int(res)
    if err == errno.ENOSYS:
        raise SandboxError("Landlock is missing: this kernel has no Landlock (ENOSYS; needs Linux >= 5.13)")
    if err == errno.EOPNOTSUPP:
        raise SandboxError("Landlock is missing: it is built in but disabled (EOPNOTSUPP; add landlock to lsm=)")
    raise SandboxError(f"Landlock is missing: landlock_create_ruleset failed ({os.strerror(err)})")


def _handled_fs(abi):
    rights = (1 << 13) - 1  # ABI 1: EXECUTE .. MAKE_SYM
    for version, bit in ((2, 13), (3, 14), (5, 15), (9, 16)):
        if abi >= version:
            rights |= 1 << bit
    return rights


def _proc_paths(mode):
    """The /proc paths a policy grants, resolved now (in the process being confined)."""
    if mode == "all":
        return ["/proc"]
    if mode == "none":
        return []
    own = f"/proc/{os.getpid()}"
    # symlinks (cwd, root, exe) would resolve to their targets: the targets' own rules decide
    entries = [os.path.join(own, e.name) for e in os.scandir(own) if e.name != "net" and not e.is_symlink()]
    return [*entries, *PROC_FILES]


def _landlock(policy):
    abi = landlock_abi()
    fs = _handled_fs(abi)
    attr = _RulesetAttr(fs, 3 if abi >= 4 else 0, 3 if abi >= 6 else 0)  # TCP bind+connect; abstract unix+signal
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    ruleset, err = _syscall(_NR_CREATE, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        raise SandboxError(f"Landlock is missing: cannot create a ruleset ({os.strerror(err)})")
    read_only = _FS_EXECUTE | _FS_READ_FILE | _FS_READ_DIR
    socket = _FS_MAKE_SOCK | _FS_READ_FILE | _FS_READ_DIR | (_FS_RESOLVE_UNIX & fs)
    rules, skipped = 0, []
    try:
        groups = (
            (policy.read_only + _proc_paths(policy.proc), read_only),
            (policy.list_only, _FS_READ_DIR),
            (policy.read_write, fs),
            (policy.socket_dirs, socket),
        )
        for paths, rights in groups:
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except (FileNotFoundError, NotADirectoryError) as exc:
                    skipped.append(f"{path}: {exc.strerror}")
                    continue
                except OSError as exc:
                    raise SandboxError(f"cannot open {path} for a Landlock rule ({exc.strerror})") from None
                try:
                    allowed = rights & fs
                    if not stat.S_ISDIR(os.fstat(fd).st_mode):
                        allowed &= _FS_FILE_RIGHTS
                    rule = _PathBeneath(allowed, fd)
                    res, err = _syscall(
                        _NR_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(1), ctypes.byref(rule), ctypes.c_uint32(0)
                    )
                    if res < 0:
                        raise SandboxError(f"Landlock rule for {path} refused ({os.strerror(err)})")
                    rules += 1
                finally:
                    os.close(fd)
        res, err = _syscall(_NR_RESTRICT, ctypes.c_int(ruleset), ctypes.c_uint32(0))
        if res < 0:
            raise SandboxError(f"Landlock is missing: landlock_restrict_self failed ({os.strerror(err)})")
    finally:
        os.close(ruleset)
    return {
        "abi": abi,
        "handled_fs": hex(fs),
        "tcp_denied": abi >= 4,
        "scoped_ipc": abi >= 6,
        "pathname_unix_checked": abi >= 9,
        "rules": rules,
        "skipped": skipped,
    }


# --- seccomp ----------------------------------------------------------------------------

# fmt: off
_ARCHES = {  # audit arch, x32 bit, syscall numbers (x86_64: asm/unistd_64.h; aarch64: asm-generic/unistd.h)
    "x86_64": (0xC000003E, 0x40000000, dict(
        clone=56, clone3=435, socket=41, socketpair=53, utimensat=280, prctl=157, ioctl=16,
        connect=42, sendto=44, sendmsg=46, sendmmsg=307, seccomp=317,
        signal_own=dict(kill=62, tgkill=234, rt_sigqueueinfo=129, rt_tgsigqueueinfo=297),
        deny=dict(fork=57, vfork=58, tkill=200, pidfd_send_signal=424, ptrace=101, process_vm_readv=310,
                  process_vm_writev=311, pidfd_getfd=438,
                  mount=165, umount2=166, pivot_root=155, chroot=161, move_mount=429, open_tree=428, fsopen=430,
                  fsconfig=431, fsmount=432, fspick=433, mount_setattr=442, open_tree_attr=467, unshare=272,
                  setns=308, reboot=169, kexec_load=246, kexec_file_load=320, init_module=175, finit_module=313,
                  delete_module=176, bpf=321, perf_event_open=298, userfaultfd=323, io_uring_setup=425,
                  io_uring_enter=426, io_uring_register=427, keyctl=250, add_key=248, request_key=249, swapon=167,
                  swapoff=168, settimeofday=164, clock_settime=227, adjtimex=159, clock_adjtime=305, acct=163,
                  quotactl=179, quotactl_fd=443, syslog=103, iopl=172, ioperm=173, shmget=29, shmat=30,
                  shmctl=31, semget=64, semop=65, semctl=66, semtimedop=220, msgget=68, msgsnd=69, msgrcv=70,
                  msgctl=71, mq_open=240, mq_unlink=241, mq_timedsend=242, mq_timedreceive=243, mq_notify=244,
                  mq_getsetattr=245),
        metadata=dict(chmod=90, fchmodat=268, fchmodat2=452, chown=92, lchown=94, fchownat=260, utime=132,
                      utimes=235, futimesat=261, setxattr=188, lsetxattr=189, removexattr=197, lremovexattr=198,
                      setxattrat=463, removexattrat=466))),
    "aarch64": (0xC00000B7, 0, dict(
        clone=220, clone3=435, socket=198, socketpair=199, utimensat=88, prctl=167, ioctl=29,
        connect=203, sendto=206, sendmsg=211, sendmmsg=269, seccomp=277,
        signal_own=dict(kill=129, tgkill=131, rt_sigqueueinfo=138, rt_tgsigqueueinfo=240),
        deny=dict(tkill=130, pidfd_send_signal=424, ptrace=117, process_vm_readv=270, process_vm_writev=271,
                  pidfd_getfd=438, mount=40, umount2=39,
                  pivot_root=41, chroot=51, move_mount=429, open_tree=428, fsopen=430, fsconfig=431, fsmount=432,
                  fspick=433, mount_setattr=442, open_tree_attr=467, unshare=97, setns=268, reboot=142,
                  kexec_load=104, kexec_file_load=294, init_module=105, finit_module=273, delete_module=106, bpf=280,
                  perf_event_open=241, userfaultfd=282, io_uring_setup=425, io_uring_enter=426,
                  io_uring_register=427, keyctl=219, add_key=217, request_key=218, swapon=224, swapoff=225,
                  settimeofday=170, clock_settime=112, adjtimex=171, clock_adjtime=266, acct=89, quotactl=60,
                  quotactl_fd=443, syslog=116, shmget=194, shmat=196, shmctl=195, semget=190, semop=193,
                  semctl=191, semtimedop=192, msgget=186, msgsnd=189, msgrcv=188, msgctl=187, mq_open=180,
                  mq_unlink=181, mq_timedsend=182, mq_timedreceive=183, mq_notify=184, mq_getsetattr=185),
        metadata=dict(fchmodat=53, fchmodat2=452, fchownat=54, setxattr=5, lsetxattr=6, removexattr=14,
                      lremovexattr=15, setxattrat=463, removexattrat=466))),
}
# fmt: on

_RET_KILL_PROCESS, _RET_ERRNO, _RET_ALLOW = 0x80000000, 0x00050000, 0x7FFF0000
_LD, _JEQ, _JSET, _RET = 0x20, 0x15, 0x45, 0x06  # BPF_LD|W|ABS, JMP|JEQ|K, JMP|JSET|K, RET|K
_CLONE_THREAD = 0x00010000
_CLONE_NEW_NAMESPACES = 0x7E020080  # NEWTIME|NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
_AF_UNIX, _AF_NETLINK = 1, 16  # netlink gets EOPNOTSUPP: libzmq aborts when getifaddrs() fails with EPERM


def machine_arch() -> str:
    """'x86_64' or 'aarch64' (a 64-bit process on that kernel); SandboxError otherwise."""
    if not sys.platform.startswith("linux"):
        raise SandboxError(f"not Linux ({sys.platform}): Landlock and seccomp are Linux-only")
    machine = platform.machine().lower()
    arch = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}.get(machine)
    if arch is None or struct.calcsize("P") != 8 or sys.byteorder != "little":
        raise SandboxError(
            f"unknown architecture {machine} ({struct.calcsize('P') * 8}-bit, {sys.byteorder}-endian):"
            " seccomp tables exist for 64-bit little-endian x86_64 and aarch64 only"
        )
    return arch


def _assemble(program):
    """[('label', name) | (code, k, jt, jf)] -> sock_filter array; jt/jf are label names or None (next)."""
    where, index = {}, 0
    for item in program:
        if item[0] == "label":
            where[item[1]] = index
        else:
            index += 1

    class SockFilter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]

    out = []
    for item in program:
        if item[0] == "label":
            continue
        code, k, jt, jf = item
        offsets = [0 if target is None else where[target] - len(out) - 1 for target in (jt, jf)]
        assert all(0 <= o < 256 for o in offsets), "seccomp jump out of range"
        out.append(SockFilter(code, offsets[0], offsets[1], k))
    return (SockFilter * len(out))(*out), SockFilter


def _filter(arch, block_metadata, pid):
    audit, x32, table = _ARCHES[arch]
    denied, ignored = table["deny"], table["metadata"] if block_metadata else {}
    p = [(_LD, 4, None, None), (_JEQ, audit, None, "kill"), (_LD, 0, None, None)]
    if x32:
        p.append((_JSET, x32, "kill", None))
    p += [(_JEQ, nr, "eperm", None) for nr in sorted(set(denied.values()))]
    p += [(_JEQ, nr, "noop", None) for nr in sorted(set(ignored.values()))]
    p += [
        (_JEQ, table["clone3"], "enosys", None),
        (_JEQ, table["clone"], "clone", None),
        (_JEQ, table["socket"], "socket", None),
        (_JEQ, table["socketpair"], "socket", None),
        (_JEQ, table["prctl"], "prctl", None),
        (_JEQ, table["ioctl"], "ioctl", None),
    ]
    p += [(_JEQ, nr, "signal", None) for nr in sorted(table["signal_own"].values())]
    if block_metadata:
        p.append((_JEQ, table["utimensat"], "utimensat", None))
    p += [
        (_RET, _RET_ALLOW, None, None),
        ("label", "clone"),
        (_LD, 16, None, None),  # args[0], low word: flags
        (_JSET, _CLONE_NEW_NAMESPACES, "eperm", None),
        (_JSET, _CLONE_THREAD, "allow", "eperm"),
        ("label", "socket"),
        (_LD, 16, None, None),
        (_JEQ, _AF_UNIX, "allow", None),
        (_JEQ, _AF_NETLINK, "eopnotsupp", "eperm"),
        ("label", "signal"),
        (_LD, 16, None, None),
        (_JEQ, pid, "allow", "eperm"),  # own process only
        ("label", "prctl"),
        (_LD, 16, None, None),
        (_JEQ, 1, "eperm", "allow"),  # PR_SET_PDEATHSIG stays
        ("label", "ioctl"),
        (_LD, 24, None, None),
        (_JEQ, 0x5412, "eperm", None),  # TIOCSTI: type into a tty
        (_JEQ, 0x541C, "eperm", "allow"),  # TIOCLINUX
        ("label", "utimensat"),
        (_LD, 24, None, None),
        (_JEQ, 0, None, "noop"),  # args[1] (path) NULL: futimens
        (_LD, 28, None, None),
        (_JEQ, 0, "allow", "noop"),
        ("label", "allow"),
        (_RET, _RET_ALLOW, None, None),
        ("label", "eperm"),
        (_RET, _RET_ERRNO | errno.EPERM, None, None),
        ("label", "enosys"),
        (_RET, _RET_ERRNO | errno.ENOSYS, None, None),
        ("label", "eopnotsupp"),
        (_RET, _RET_ERRNO | errno.EOPNOTSUPP, None, None),
        ("label", "noop"),
        (_RET, _RET_ERRNO | 0, None, None),  # returns 0 without running the call
        ("label", "kill"),
        (_RET, _RET_KILL_PROCESS, None, None),
    ]
    return p, sorted(denied), sorted(ignored) + (["utimensat (with a path)"] if ignored else [])


def _seccomp(block_metadata):
    arch = machine_arch()
    program, denied, ignored = _filter(arch, block_metadata, os.getpid())
    instructions, SockFilter = _assemble(program)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]

    prog = SockFprog(len(instructions), instructions)
    res, err = _prctl(22, 2, ctypes.addressof(prog))  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
    if res != 0:
        raise SandboxError(f"seccomp is missing: PR_SET_SECCOMP failed ({os.strerror(err)})")
    return {
        "arch": arch,
        "instructions": len(instructions),
        "denied": denied,
        "ignored": ignored,
        "clone3": "ENOSYS",
        "clone": "CLONE_THREAD only",
        "socket": "AF_UNIX only",
        "prctl": "PR_SET_PDEATHSIG refused",
        "ioctl": "TIOCSTI and TIOCLINUX refused",
        "signals": "to this process only (kill, tgkill, rt_(tg)sigqueueinfo)",
    }


def _no_connect_filter(arch):
    """connect, sendmsg and sendmmsg refused; sendto only without an address (args[4] == NULL)."""
    audit, _, table = _ARCHES[arch]
    return [
        (_LD, 4, None, None),
        (_JEQ, audit, None, "allow"),
        (_LD, 0, None, None),
        (_JEQ, table["connect"], "eperm", None),
        (_JEQ, table["sendmsg"], "eperm", None),
        (_JEQ, table["sendmmsg"], "eperm", None),
        (_JEQ, table["sendto"], None, "allow"),
        (_LD, 48, None, None),
        (_JEQ, 0, None, "eperm"),  # args[4], low word
        (_LD, 52, None, None),
        (_JEQ, 0, "allow", "eperm"),  # high word
        ("label", "allow"),
        (_RET, _RET_ALLOW, None, None),
        ("label", "eperm"),
        (_RET, _RET_ERRNO | errno.EPERM, None, None),
    ]


def forbid_connect() -> dict:
    """From now on no thread of this process can connect a socket or send to an address.

    A second seccomp filter, synchronised to every thread (SECCOMP_FILTER_FLAG_TSYNC):
    connect(), sendmsg() and sendmmsg() fail with EPERM, sendto() with an address too
    (send() on a connected socket still works). So the process reaches no socket it did
    not already hold, pathname (whatever the Landlock ABI) or abstract. Call it once the
    process has connected what it needs (the grading launcher: after ipykernel set up its
    channels, before any student code runs). Needs no_new_privs (set by :func:`apply`).
    """
    arch = machine_arch()
    instructions, SockFilter = _assemble(_no_connect_filter(arch))

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]

    prog = SockFprog(len(instructions), instructions)
    res, err = _syscall(
        _ARCHES[arch][2]["seccomp"],
        ctypes.c_uint(1),
        ctypes.c_uint(1),  # SET_MODE_FILTER, TSYNC
        ctypes.c_void_p(ctypes.addressof(prog)),
    )
    if res != 0:
        why = os.strerror(err) if res < 0 else f"thread {res} could not be synchronised"
        raise SandboxError(f"cannot forbid connect(): seccomp failed ({why})")
    return {"connect": "refused", "sendmsg": "refused", "sendto": "without an address only", "threads": "all"}


# --- the public steps -------------------------------------------------------------------


def apply(policy: Policy) -> dict:
    """Confine the current process for good; returns what was applied (JSON-serialisable).

    Order: rlimits, PR_SET_PDEATHSIG(SIGKILL), PR_SET_NO_NEW_PRIVS, capabilities, Landlock,
    seccomp. Raises SandboxError (one line) if a step cannot be applied.
    """
    if not isinstance(policy, Policy):
        raise SandboxError(f"apply: expected a Policy, got {type(policy).__name__}")
    start = time.perf_counter()
    arch = machine_arch()
    landlock_abi()  # missing features fail before anything changes
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        threads = 1
    if threads != 1:
        raise SandboxError(
            f"apply must run while the process has one thread (it has {threads}):"
            " Landlock and seccomp would leave the other threads free"
        )
    report = {"arch": arch, "rlimits": _set_rlimits(policy)}
    if _prctl(1, signal.SIGKILL)[0] != 0:  # PR_SET_PDEATHSIG
        raise SandboxError("PR_SET_PDEATHSIG failed")
    if _prctl(38, 1)[0] != 0:  # PR_SET_NO_NEW_PRIVS
        raise SandboxError("PR_SET_NO_NEW_PRIVS failed")
    report["pdeathsig"] = report["no_new_privs"] = True
    report["capabilities"] = _drop_capabilities()
    report["landlock"] = _landlock(policy)
    report["seccomp"] = _seccomp(policy.block_metadata)
    report["ms"] = round((time.perf_counter() - start) * 1000, 3)
    return report


def apply_from_env(var: str = "COURSEWORK_SANDBOX", required: bool = True) -> "dict | None":
    """Read a JSON Policy from ``os.environ[var]``, remove the variable, apply it; returns apply's report.

    Unset: SandboxError when ``required``, else None (nothing applied).
    """
    text = os.environ.pop(var, None)
    if text is None:
        if required:
            raise SandboxError(f"{var} is not set: expected a JSON sandbox policy")
        return None
    return apply(Policy.from_json(text))


def _probe_here() -> dict:
    """Run in a throwaway process: every check, then a real apply of an empty policy."""
    result: dict = {"platform": sys.platform, "machine": platform.machine(), "kernel": platform.release()}
    try:
        result["arch"] = machine_arch()
        result["landlock_abi"] = landlock_abi()
        report = apply(Policy(read_only=[], read_write=[]))
        result["seccomp"] = report["seccomp"]["instructions"] > 0
        result.update(ready=True, missing=None)
    except SandboxError as exc:
        result.update(ready=False, missing=str(exc))
    except OSError as exc:
        result.update(ready=False, missing=f"sandbox check failed: {exc}")
    return result


def probe(timeout: float = 60.0) -> dict:
    """Whether the sandbox can be set up here, tried in a child process (the caller is untouched).

    Returns {"ready": bool, "missing": str | None (one line), "landlock_abi": int, ...}.
    """
    if not sys.platform.startswith("linux"):
        return {
            "ready": False,
            "missing": f"not Linux ({sys.platform}): Landlock and seccomp are Linux-only",
            "platform": sys.platform,
        }
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-S", os.path.abspath(__file__), "--probe"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return {"ready": False, "missing": f"the sandbox probe did not run ({exc})"}
    try:
        return json.loads(done.stdout)
    except ValueError:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return {"ready": False, "missing": f"the sandbox probe failed (exit {done.returncode}): {last}"}


def missing() -> "str | None":
    """None when the sandbox can be set up here, else one line naming what is missing."""
    return probe()["missing"]


# --- what a Python kernel reads ----------------------------------------------------------


def _inside(path, root):
    return path == root or path.startswith(root.rstrip("/") + "/")


def default_read_paths(exclude=(), hide=()) -> list:
    """Paths a Python kernel needs to read, none of which contains or lies inside an ``exclude``
    or ``hide`` path.

    The interpreter's prefixes, every sys.path directory, /usr /lib /lib64 /bin /sbin
    /usr/share /sys, the DEVICE_FILES and a few /etc files (never /etc, /tmp, /dev/shm,
    /root or /home as a whole; /proc comes from Policy.proc). A directory that contains
    an excluded or hidden path is replaced by its entries (recursively) minus that path.
    Paths inside sys.prefix stay allowed when sys.prefix itself lies inside an excluded
    path (a .venv in the course folder). Results are resolved (symlinks followed),
    existing, sorted. :func:`listed_paths` names the directories so replaced because of
    ``hide`` paths only, which may still be listed.
    """
    return _read_paths(exclude, hide)[0]


def listed_paths(exclude=(), hide=()) -> list:
    """The directories :func:`default_read_paths` replaced by their entries only because they hold
    a ``hide`` path (not an ``exclude`` one): site-packages holding an installed package whose
    files must stay unreadable. Python lists such a directory to import from it; its tree's
    names (not contents) are then visible."""
    return _read_paths(exclude, hide)[1]


def _read_paths(exclude, hide):
    for name, value in (("exclude", exclude), ("hide", hide)):
        if isinstance(value, str):
            raise SandboxError(f"default_read_paths: expected a list of paths to {name}, got one string")
    excluded = [os.path.realpath(e) for e in exclude]
    hidden = [os.path.realpath(h) for h in hide]
    prefix = os.path.realpath(sys.prefix)
    candidates = [
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        *(p for p in sys.path if p),
        "/usr",
        "/lib",
        "/lib64",
        "/bin",
        "/sbin",
        "/usr/share",
        "/sys",
        *DEVICE_FILES,
        "/etc/ld.so.cache",
        "/etc/localtime",
        "/etc/passwd",
        "/etc/group",
        "/etc/nsswitch.conf",
        "/etc/fonts",
        "/etc/mime.types",
    ]
    out, listed = set(), set()

    def add(path):
        if not os.path.exists(path):
            return
        for e in excluded:
            excused = _inside(prefix, e) and prefix != e and _inside(path, prefix)
            if _inside(path, e) and not excused:
                return
        if any(_inside(path, h) for h in hidden):
            return
        holds_excluded = any(_inside(e, path) and e != path for e in excluded)
        if holds_excluded or any(_inside(h, path) and h != path for h in hidden):
            if os.path.isdir(path):
                if not holds_excluded:
                    listed.add(path)
                for name in sorted(os.listdir(path)):
                    add(os.path.realpath(os.path.join(path, name)))
            return
        out.add(path)

    for candidate in candidates:
        add(os.path.realpath(candidate))
    return sorted(out), sorted(listed - out)


def kernel_policy(scratch: str, *, read_only=(), exclude=(), hide=(), socket_dirs=(), **options) -> Policy:
    """A Policy for a Python kernel: default_read_paths(exclude, hide) + read_only, listed_paths
    list-only, the scratch folder and DEVICE_FILES read-write, unix sockets in socket_dirs;
    ``options``: Policy's other fields (memory_mb, cpu_seconds, file_mb, open_files, processes,
    block_metadata, proc)."""
    read, listed = _read_paths(exclude, hide)
    return Policy(
        read_only=read + [str(p) for p in read_only],
        list_only=listed,
        read_write=[str(scratch), *DEVICE_FILES],
        socket_dirs=[str(p) for p in socket_dirs],
        **options,
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["--probe"]:
        print(json.dumps(_probe_here()))
    else:
        print(
            "usage: python sandbox.py --probe   (prints whether the sandbox can be set up here, as JSON)",
            file=sys.stderr,
        )
        sys.exit(2)
