"""A seccomp filter for a job's child: refuse the system calls that grading never needs and that
widen the kernel's attack surface (new namespaces, mounts, ptrace, keyrings, bpf, io_uring ...),
and, without the namespaces of bubblewrap, sockets: Landlock fences TCP but neither UDP nor the
unix sockets of the host (/run/docker.sock, X11, D-Bus). ``socketpair`` stays allowed.

The filter is a deny list on x86_64 and aarch64; calls from another ABI (i386 via int 0x80, x32)
are refused. On other architectures no filter is installed and ``install`` returns False.
"""
from __future__ import annotations

import ctypes
import errno
import platform
import struct

PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
LD_W_ABS, JMP_JEQ, JMP_JGE, JMP_JSET, RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
CLONE_NEW_ANY = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000
SOCKET_FAMILIES = (1, 2, 10, 17)  # AF_UNIX, AF_INET, AF_INET6, AF_PACKET

DENIED = ("unshare setns mount umount2 pivot_root chroot ptrace process_vm_readv process_vm_writev "
          "keyctl add_key request_key bpf perf_event_open userfaultfd kexec_load kexec_file_load "
          "init_module finit_module delete_module open_by_handle_at name_to_handle_at io_uring_setup "
          "io_uring_enter io_uring_register swapon swapoff reboot syslog acct quotactl mount_setattr "
          "fsopen fsconfig fsmount move_mount open_tree fspick kcmp pidfd_getfd lookup_dcookie vhangup "
          "settimeofday clock_settime clock_adjtime adjtimex modify_ldt uselib ioperm iopl").split()

ARCHES = {
    "x86_64": (0xC000003E, {
        "unshare": 272, "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161,
        "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "keyctl": 250, "add_key": 248,
        "request_key": 249, "bpf": 321, "perf_event_open": 298, "userfaultfd": 323, "kexec_load": 246,
        "kexec_file_load": 320, "init_module": 175, "finit_module": 313, "delete_module": 176,
        "open_by_handle_at": 304, "name_to_handle_at": 303, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "swapon": 167, "swapoff": 168, "reboot": 169, "syslog": 103, "acct": 163,
        "quotactl": 179, "mount_setattr": 442, "fsopen": 430, "fsconfig": 431, "fsmount": 432,
        "move_mount": 429, "open_tree": 428, "fspick": 433, "kcmp": 312, "pidfd_getfd": 438,
        "lookup_dcookie": 212, "vhangup": 153, "settimeofday": 164, "clock_settime": 227,
        "clock_adjtime": 305, "adjtimex": 159, "modify_ldt": 154, "uselib": 134, "ioperm": 173, "iopl": 172,
        "clone": 56, "clone3": 435, "socket": 41,
    }),
    "aarch64": (0xC00000B7, {
        "unshare": 97, "setns": 268, "mount": 40, "umount2": 39, "pivot_root": 41, "chroot": 51,
        "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271, "keyctl": 219, "add_key": 217,
        "request_key": 218, "bpf": 280, "perf_event_open": 241, "userfaultfd": 282, "kexec_load": 104,
        "kexec_file_load": 294, "init_module": 105, "finit_module": 273, "delete_module": 106,
        "open_by_handle_at": 265, "name_to_handle_at": 264, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "swapon": 224, "swapoff": 225, "reboot": 142, "syslog": 116, "acct": 89,
        "quotactl": 60, "mount_setattr": 442, "fsopen": 430, "fsconfig": 431, "fsmount": 432,
        "move_mount": 429, "open_tree": 428, "fspick": 433, "kcmp": 272, "pidfd_getfd": 438,
        "lookup_dcookie": 18, "vhangup": 58, "settimeofday": 170, "clock_settime": 112,
        "clock_adjtime": 266, "adjtimex": 171, "clone": 220, "clone3": 435, "socket": 198,
    }),
}


def _ins(code, k, jt=0, jf=0):
    return struct.pack("=HBBI", code, jt, jf, k)


def program(machine, block_sockets=False):
    """The BPF program for ``machine`` as a list of packed instructions, or None if unsupported."""
    if machine not in ARCHES:
        return None
    arch, numbers = ARCHES[machine]
    deny, nosys = RET_ERRNO | errno.EPERM, RET_ERRNO | errno.ENOSYS
    ins = [_ins(LD_W_ABS, 4), _ins(JMP_JEQ, arch, 1, 0), _ins(RET_K, nosys), _ins(LD_W_ABS, 0)]
    if machine == "x86_64":  # the x32 ABI sets bit 30 of the call number
        ins += [_ins(JMP_JGE, 0x40000000, 0, 1), _ins(RET_K, nosys)]
    for name in DENIED:
        if name in numbers:
            ins += [_ins(JMP_JEQ, numbers[name], 0, 1), _ins(RET_K, deny)]
    # clone3 passes its flags in memory, out of the filter's reach: refuse it, and the C library
    # falls back to clone, whose flags are checked for new namespaces.
    ins += [_ins(JMP_JEQ, numbers["clone3"], 0, 1), _ins(RET_K, nosys)]
    # Each block below loads an argument, so it ends with its own verdict.
    clone = [_ins(LD_W_ABS, 16), _ins(JMP_JSET, CLONE_NEW_ANY, 0, 1), _ins(RET_K, deny), _ins(RET_K, RET_ALLOW)]
    ins += [_ins(JMP_JEQ, numbers["clone"], 0, len(clone))] + clone
    if block_sockets:
        families = [_ins(JMP_JEQ, family, len(SOCKET_FAMILIES) - i, 0) for i, family in enumerate(SOCKET_FAMILIES)]
        socket = [_ins(LD_W_ABS, 16)] + families + [_ins(RET_K, RET_ALLOW), _ins(RET_K, RET_ERRNO | errno.EACCES)]
        ins += [_ins(JMP_JEQ, numbers["socket"], 0, len(socket))] + socket
    ins.append(_ins(RET_K, RET_ALLOW))
    return ins


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install(block_sockets=False):
    """Install the filter on this (single-threaded) process; its threads and children inherit it.
    ``block_sockets``: also refuse sockets (for a sandbox without bubblewrap's namespaces)."""
    ins = program(platform.machine(), block_sockets)
    if ins is None:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    code = b"".join(ins)
    buf = ctypes.create_string_buffer(code, len(code))
    prog = _SockFprog(len(ins), ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(38, ctypes.c_ulong(1), 0, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS, required first
        raise OSError(ctypes.get_errno(), "PR_SET_NO_NEW_PRIVS")
    if libc.prctl(PR_SET_SECCOMP, ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp filter")
    return True
