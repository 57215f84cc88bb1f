#!/usr/bin/env bash
# Installs the command-line tools the tests drive, from Debian's packages, when they are missing:
#   kubectl (kubernetes-client) renders k8s/ with `kubectl kustomize` for the deployment tests;
#   chromium and chromium-driver: the headless browser the console test (ConsoleBrowserTest) drives.
# Safe to run again; needs root (or sudo) only when something is missing.
set -euo pipefail
missing=()
command -v kubectl >/dev/null 2>&1 || missing+=(kubernetes-client)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "Installing test tools: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
