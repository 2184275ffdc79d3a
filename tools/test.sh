#!/usr/bin/env bash
# The project's test command: notebooks, package, script and README in sync, every notebook as a test, then the
# sampling widget in a real browser (Voila + headless Debian Chromium driven by Playwright).
# Extra arguments go to nbdev-test (e.g. `bash tools/test.sh --flags slow`).
set -euo pipefail
cd "$(dirname "$0")/.."
export WANDB_MODE=offline WANDB_SILENT=true MPLBACKEND=Agg
# two notebooks run at once on two cores: one thread each avoids oversubscription (tiny ops get 100x slower)
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
echo "== sync: nbdev-clean, nbdev-export, tools/export_script.py, tools/render_readme.py =="
before=$(git status --porcelain -- nbs cclddg train_cclddg.py README.md)
nbdev-clean
nbdev-export
python tools/export_script.py
python tools/render_readme.py
after=$(git status --porcelain -- nbs cclddg train_cclddg.py README.md)
if [ "$before" != "$after" ] || [ -n "$after" ]; then
  echo "FAILED: the notebooks, the package, train_cclddg.py and README.md are out of sync (or uncommitted):"
  git status --porcelain -- nbs cclddg train_cclddg.py README.md
  git --no-pager diff --stat -- nbs cclddg train_cclddg.py README.md
  exit 1
fi
echo "in sync"
python tools/colab_cells.py --check
python tools/census.py || true   # information (issue 13), never a failure
python tools/renumber.py --selftest
n=$(ls nbs/[0-9]*.ipynb nbs/index.ipynb | wc -l)
echo "== nbdev-test: $n notebooks =="
start=$(date +%s)
if nbdev-test --n-workers 2 --timing "$@"; then
  echo "nbdev-test took $(( $(date +%s) - start )) s"
  echo "notebooks: $n passed, 0 failed"
else
  echo "nbdev-test took $(( $(date +%s) - start )) s"
  echo "notebooks: some of $n failed (see above)"
  exit 1
fi
echo "== browser test: Voila + headless Debian Chromium via Playwright =="
if [ ! -x /usr/bin/chromium ]; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
fi
start=$(date +%s)
python tools/browser_test.py --screenshot "${TMPDIR:-/tmp}/cclddg_widget_screenshot.png"
echo "browser test took $(( $(date +%s) - start )) s"
