#!/usr/bin/env bash
# Installs the command-line tools some tests drive, from Debian's packages, when they are missing:
#   kubectl (kubernetes-client) renders k8s/ with `kubectl kustomize` for the deployment tests;
#   chromium and chromium-driver: the headless browser the console test (ConsoleBrowserTest) drives.
# Safe to run again. It needs apt-get and root (or sudo without a password) only when something is missing; where it
# cannot install (macOS, Fedora, a user without sudo) it says so, writes why to target/test-tools.txt, and the tests
# that need the tool are skipped with that reason instead of failing. Install the tools yourself to run them:
#   macOS:  brew install kubectl chromium chromedriver      Fedora: dnf install kubectl chromium chromedriver
# then run with -Dkubectl=/path/to/kubectl -Dchromium.binary=... -Dchromedriver.binary=... if they are not at
# Debian's paths (/usr/bin/chromium, /usr/bin/chromedriver).
set -euo pipefail
status="${1:-target}/test-tools.txt"
mkdir -p "$(dirname "$status")"
: > "$status"
missing=()
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
reason=""
if ! command -v apt-get >/dev/null 2>&1; then
  reason="this machine has no apt-get"
elif [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
  else
    reason="installing needs root or sudo without a password"
  fi
fi
if [ -n "$reason" ]; then
  for package in "${missing[@]}"; do
    echo "$package: not installed ($reason)" >> "$status"
  done
  echo "Test tools not installed (${missing[*]}): $reason. The tests that need them are skipped;" \
       "see scripts/install-test-tools.sh for how to install them yourself." >&2
  exit 0
fi
echo "Installing test tools: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
