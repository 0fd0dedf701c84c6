"""Runs a command under the seccomp filter a systemd unit asks for, without systemd as PID 1.

usage: seccomp-exec.py SYSCALLS_FILE FAMILIES ACTION -- COMMAND [ARG...]

SYSCALLS_FILE lists the allowed system calls, one a line (SystemCallFilter= expanded by
`systemd-analyze syscall-filter`). FAMILIES is RestrictAddressFamilies= as a comma-separated list,
e.g. AF_UNIX,AF_INET,AF_INET6. ACTION is SystemCallErrorNumber= (an errno name such as EPERM) or
"kill" (the default without it: SIGSYS). As systemd.exec(5) describes them: a call outside the list
fails with ACTION; socket() with a family outside FAMILIES fails with EAFNOSUPPORT; only the native
ABI is allowed (SystemCallArchitectures=native, libseccomp's default). Loading the filter sets
no_new_privs (NoNewPrivileges=yes), as an unprivileged process must.
"""

import errno
import os
import socket
import sys

import seccomp

# socket(2) families are small integers; AF_MAX is 46 on Linux 6.x (include/linux/socket.h).
FAMILY_LIMIT = 64


def main(argv):
    if len(argv) < 6 or argv[4] != "--":
        sys.exit(__doc__)
    syscalls_file, families, action = argv[1], argv[2], argv[3]
    default = seccomp.KILL_PROCESS if action == "kill" else seccomp.ERRNO(getattr(errno, action))
    allowed_families = {getattr(socket, name) for name in families.split(",")}
    rules = seccomp.SyscallFilter(defaction=default)
    with open(syscalls_file, encoding="utf-8") as listing:
        names = [line.strip() for line in listing if line.strip()]
    for name in names:
        if name == "socket":
            continue
        try:
            rules.add_rule(seccomp.ALLOW, name)
        except (RuntimeError, ValueError):
            # A call of another architecture (arm_fadvise64_64 on x86-64): systemd skips it too.
            pass
    if "socket" in names:
        for family in range(FAMILY_LIMIT):
            verdict = seccomp.ALLOW if family in allowed_families else seccomp.ERRNO(errno.EAFNOSUPPORT)
            rules.add_rule(verdict, "socket", seccomp.Arg(0, seccomp.EQ, family))
    rules.load()
    os.execvp(argv[5], argv[5:])


if __name__ == "__main__":
    main(sys.argv)
