#!/usr/bin/env python
"""The codebase census of issue 13, printed for information (tools/test.sh runs it; it never fails the tests).

- export cells (`#| export`, `#| script`) in nbs/: count, median and longest length in lines, and those over 40;
- functions and methods in cclddg/*.py and train_cclddg.py over 40 lines (AST, decorators excluded);
- methods attached by plain assignment (`Class.name = function` at module level) instead of `@patch`;
- notebooks that import a module made by a later notebook (forward references in the reading order).

    python tools/census.py            # the summary
    python tools/census.py --verbose  # with every long cell and function named
"""
import argparse, ast, json, re, statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

def cells(nb: Path):
    return json.loads(nb.read_text())['cells']

def export_cells():
    out = []
    for nb in sorted((ROOT / 'nbs').glob('[0-9]*.ipynb')):
        for c in cells(nb):
            src = ''.join(c['source'])
            if c['cell_type'] == 'code' and re.match(r'\s*#\|\s*(export|script)\b', src):
                out.append((nb.name, c.get('id'), len([l for l in src.splitlines() if not l.startswith('#|')])))
    return out

def long_functions(limit: int = 40):
    out = []
    for f in sorted([*(ROOT / 'cclddg').glob('*.py'), ROOT / 'train_cclddg.py']):
        if f.name == '_modidx.py': continue
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > limit: out.append((f.name, node.name, n))
    return out

def assigned_methods():
    out = []
    for f in sorted((ROOT / 'cclddg').glob('*.py')):
        tree = ast.parse(f.read_text())
        classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
        for n in tree.body:
            if isinstance(n, ast.Assign):
                for t in n.targets:
                    for e in (t.elts if isinstance(t, ast.Tuple) else [t]):   # also `A.f, A.g = f, g`
                        if isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name) and e.value.id[:1].isupper():
                            out.append((f.name, f"{e.value.id}.{e.attr}"))
    return out

def forward_imports():
    order = {}
    for nb in sorted((ROOT / 'nbs').glob('[0-9]*.ipynb')):
        for c in cells(nb):
            m = re.search(r'#\|\s*default_exp\s+(\S+)', ''.join(c['source']))
            if m: order[m.group(1)] = int(nb.name[:2])
    out = []
    for nb in sorted((ROOT / 'nbs').glob('[0-9]*.ipynb')):
        k = int(nb.name[:2])
        text = '\n'.join(''.join(c['source']) for c in cells(nb) if c['cell_type'] == 'code')
        for mod in sorted(set(re.findall(r'(?:from|import)\s+(?:cclddg\.|\.)(\w+)', text))):
            if order.get(mod, -1) > k: out.append((nb.name, mod, order[mod]))
    return out

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--verbose', action='store_true')
    a = p.parse_args()
    ex = export_cells(); lens = [n for *_, n in ex]
    over = [e for e in ex if e[2] > 40]
    fns, asg, fwd = long_functions(), assigned_methods(), forward_imports()
    print(f"census: {len(ex)} export cells, median {statistics.median(lens):g} lines, longest {max(lens)}, {len(over)} over 40; "
          f"{len(fns)} functions over 40 lines; {len(asg)} methods attached by assignment; {len(fwd)} forward imports")
    if a.verbose:
        for nb, cid, n in sorted(over, key=lambda e: -e[2]): print(f"  cell {nb} #{cid}: {n} lines")
        for f, name, n in sorted(fns, key=lambda e: -e[2]): print(f"  function {f}:{name}: {n} lines")
        for f, name in asg: print(f"  assigned {f}: {name}")
        for nb, mod, k in fwd: print(f"  {nb} imports cclddg.{mod} (notebook {k:02d})")

if __name__ == '__main__': main()
