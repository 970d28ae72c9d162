set -euo pipefail
awk '/^Max open files/ {print $5}' /proc/1/limits