#!/usr/bin/env python
"""Give every notebook an "Open in Colab" badge and a first setup cell (install in Colab, pick the device), or check that
each has them.

    python tools/colab_cells.py          # add or update the two cells in nbs/*.ipynb (idempotent)
    python tools/colab_cells.py --check  # exit 1, naming the notebooks, if any lacks them or has a stale copy

The badge goes right after the notebook's title cell; the setup cell right after `#| default_exp` (or after the badge
where there is none). The setup cell installs the package only when `google.colab` is imported, and prints the device
that `get_device` picks, which `demo_size` (cclddg.core) uses to size the demos."""
import argparse, json, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPO = 'cclddg/cclddg'
BADGE_MARK = 'colab.research.google.com/assets/colab-badge.svg'
SETUP_MARK = '# Colab setup:'

def badge(name: str) -> str:
    return (f"[![Open In Colab](https://{BADGE_MARK})](https://colab.research.google.com/github/{REPO}/blob/main/nbs/{name})"
            " (in Colab: *Runtime > Change runtime type > GPU* makes the demos bigger and faster)")

SETUP = f"""#| hide
{SETUP_MARK} install cclddg when this runs in Colab (it does nothing anywhere else), then pick the device:
# the GPU when there is one. `demo_size` sizes the demos for it (bigger on a GPU, smaller on a CPU).
import sys, subprocess
if 'google.colab' in sys.modules:
    subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', 'cclddg[dev] @ git+https://github.com/{REPO}'], check=True)
from cclddg.core import get_device, demo_size
print(f"device: {{get_device()}}")"""

def _src(cell): return ''.join(cell['source'])

def _cell(kind: str, text: str) -> dict:
    lines = text.split('\n')
    src = [l + '\n' for l in lines[:-1]] + [lines[-1]]
    c = dict(cell_type=kind, metadata={}, source=src)
    if kind == 'code': c.update(execution_count=None, outputs=[])
    return c

def wanted(path: Path) -> tuple[str, str]:
    return badge(path.name), SETUP

def fix(path: Path, check: bool) -> bool:
    "True if `path` already had both cells, up to date (else add/update them, unless `check`)"
    nb = json.loads(path.read_text())
    cells, (b, s) = nb['cells'], wanted(path)
    ok = any(_src(c) == b for c in cells) and any(_src(c) == s for c in cells)
    if ok or check: return ok
    cells[:] = [c for c in cells if BADGE_MARK not in _src(c) and SETUP_MARK not in _src(c)]
    title = next(i for i, c in enumerate(cells) if c['cell_type'] == 'markdown' and _src(c).lstrip().startswith('# '))
    cells.insert(title + 1, _cell('markdown', b))
    exp = [i for i, c in enumerate(cells) if c['cell_type'] == 'code' and _src(c).lstrip().startswith('#| default_exp')]
    cells.insert(exp[0] + 1 if exp else title + 2, _cell('code', s))
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    return False

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--check', action='store_true', help='only check; exit 1 if a notebook lacks the cells')
    a = p.parse_args()
    nbs = sorted((ROOT/'nbs').glob('*.ipynb'))
    bad = [n.name for n in nbs if not fix(n, a.check)]
    if a.check and bad:
        print(f"FAILED: no (or a stale) Colab badge / setup cell in {', '.join(bad)}: run python tools/colab_cells.py"); sys.exit(1)
    print(f"Colab cells: {len(nbs) - len(bad)} of {len(nbs)} notebooks up to date" + (f", updated {', '.join(bad)}" if bad else ''))

if __name__ == '__main__': main()
