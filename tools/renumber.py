#!/usr/bin/env python
"""Renumber the notebooks and every reference to them, in one step.

    python tools/renumber.py 08_autoencoder=06_latents 06_sample=10_sample ...   # dry run: prints what would change
    python tools/renumber.py --apply 08_autoencoder=06_latents ...

Each `OLD=NEW` names a notebook stem in `nbs/`. With `--apply` it `git mv`s the notebooks and rewrites, in every tracked
text file (bench results and images excepted: they record what was run), the stems (`nbs/08_autoencoder.ipynb`,
`08_autoencoder.html`) and the prose references `notebook 08` / `notebook 8` / `notebook 08's`. All substitutions are
made in one pass, so `06=10, 10=08` never chains. Run `nbdev-export` and `python tools/export_script.py` afterwards:
the modules' `File to edit:` headers follow the notebooks. A new model family's notebook is added the same way: give
it the number after the last family and move the tool notebooks (sampling command, script, widget) up by one.
"""
import re, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = ('bench/results/', 'nbs/images/', 'cclddg/_modidx.py', 'tools/renumber.py')

def parse(pairs):
    "`OLD=NEW` stems -> {old_stem: new_stem}, checked against `nbs/`"
    m = {}
    for p in pairs:
        if p.count('=') != 1: sys.exit(f'error: expected OLD=NEW, got {p!r}')
        old, new = p.split('=')
        if not (ROOT/'nbs'/f'{old}.ipynb').exists(): sys.exit(f'error: nbs/{old}.ipynb does not exist')
        if not re.fullmatch(r'\d\d_\w+', new): sys.exit(f'error: {new!r} is not NN_name')
        m[old] = new
    news = [n for n in m.values()]
    if len(set(news)) != len(news): sys.exit('error: two notebooks would get the same name')
    return m

def rewriter(m):
    "A function rewriting one text with all of `m`'s substitutions at once"
    num = {int(o[:2]): n[:2] for o, n in m.items() if o[:2] != n[:2]}
    stems = re.compile(r'\b(' + '|'.join(map(re.escape, m)) + r')\b')
    prose = re.compile(r'\b([Nn]otebook )(\d{1,2})\b')
    def sub_prose(mt):
        n = int(mt.group(2))
        return mt.group(1) + num[n] if n in num else mt.group(0)
    return lambda text: prose.sub(sub_prose, stems.sub(lambda mt: m[mt.group(1)], text))

def tracked():
    out = subprocess.run(['git', 'ls-files'], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return [f for f in out if not f.startswith(SKIP) and f.endswith(('.py', '.md', '.ipynb', '.toml', '.yml', '.sh', '.txt', '.cfg'))]

def selftest():
    "The rewriting rules on a sample text (tools/test.sh runs this)"
    rw = rewriter({'06_sample': '10_sample', '10_ddgan': '08_ddgan'})
    got = rw("see nbs/06_sample.ipynb, 10_ddgan.html, notebook 06's loader, Notebook 10 and notebook 6; notebook 08 stays")
    want = "see nbs/10_sample.ipynb, 08_ddgan.html, notebook 10's loader, Notebook 08 and notebook 10; notebook 08 stays"
    assert got == want, got
    print('renumber selftest: ok')

def main(argv):
    if argv == ['--selftest']: return selftest()
    apply = '--apply' in argv
    m = parse([a for a in argv if a != '--apply'])
    rw, changed = rewriter(m), []
    for f in tracked():
        p = ROOT/f
        t = p.read_text()
        t2 = rw(t)
        if t2 != t:
            changed.append(f)
            if apply: p.write_text(t2)
    for old, new in m.items():
        print(f'nbs/{old}.ipynb -> nbs/{new}.ipynb')
        if apply: subprocess.run(['git', 'mv', f'nbs/{old}.ipynb', f'nbs/{new}.ipynb'], cwd=ROOT, check=True)
    print(f'{len(changed)} files {"rewritten" if apply else "would change"}: ' + ', '.join(changed))

if __name__ == '__main__': main(sys.argv[1:])
