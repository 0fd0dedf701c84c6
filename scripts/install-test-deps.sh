#!/usr/bin/env bash
# Installs what the tests run when missing: Mosquitto (a real broker on loopback ports), socat (a
# pseudo-terminal that stands in for the meter's serial port) and AppArmor's parser (apparmor_parser
# checks the add-on's apparmor.txt without loading it; Debian's package puts it in /usr/sbin),
# Chromium (the headless browser the panel tests drive through playwright-core) and InfluxDB 1.x (a real
# server on loopback ports for the InfluxDB forwarder; Debian's package puts influxd in /usr/bin), and
# for the systemd unit in deploy/systemd: systemd-analyze (verifies it offline, no systemd as PID 1
# needed), bubblewrap and python3-seccomp (run its command line in the unit's sandbox: read-only
# file system, private /tmp, its system call and address family filters).
set -euo pipefail
missing=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
command -v socat >/dev/null 2>&1 || missing+=(socat)
command -v apparmor_parser >/dev/null 2>&1 || [ -x /usr/sbin/apparmor_parser ] || [ -x /sbin/apparmor_parser ] ||
  missing+=(apparmor)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v influxd >/dev/null 2>&1 || [ -x /usr/bin/influxd ] || missing+=(influxdb)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
/usr/bin/python3 -c 'import seccomp' >/dev/null 2>&1 || missing+=(python3-seccomp)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
