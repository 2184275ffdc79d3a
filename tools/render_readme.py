#!/usr/bin/env python
"""Render README.md from nbs/index.ipynb without quarto (which cannot be installed offline).

Cells whose directives include `hide` are dropped, directive lines are removed, and outputs are not rendered.
Relative links (written relative to nbs/, as the docs site needs them) are rewritten relative to the repository root."""
import json, re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_directive = re.compile(r'^\s*#\|')
_relative_link = re.compile(r'\]\((?!https?:|/|#|mailto:)([^)]+)\)')

def render(nb_path=ROOT/'nbs'/'index.ipynb'):
    "Markdown text for the README"
    parts = []
    for cell in json.loads(Path(nb_path).read_text())['cells']:
        src = ''.join(cell['source'])
        if re.search(r'^\s*#\|\s*hide\b', src, re.M): continue
        src = '\n'.join(l for l in src.splitlines() if not _directive.match(l)).strip('\n')
        if not src: continue
        if cell['cell_type'] == 'markdown': parts.append(_relative_link.sub(r'](nbs/\1)', src))
        else: parts.append(f'```python\n{src}\n```')
    return '\n\n'.join(parts) + '\n'

if __name__ == '__main__': (ROOT/'README.md').write_text(render())
