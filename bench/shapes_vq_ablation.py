#!/usr/bin/env python
"""Benchmark: which choices make VQ-Diffusion learn `shapes` captions faster? The same `train_cclddg.py --model
vqdiffusion` command at an equal number of transformer steps, on the frozen tokenizer and tiny embedder of an earlier
run (`--base`: a run directory with tokenizer/ and embedder/, or a tokenizer directory with `--embedder_dir`), so that
only the denoising model differs. Scored on the VALIDATION split (choices are made there; the test split is for
bench/shapes_vqdiffusion.py): prompt fidelity of 200 canonical validation captions at each sampler setting
(guidance:truncation, 50 steps), with seen and unseen compositions and one or two objects apart.

Variants (`--variants`): 'xattn' (the paper's model: mask-and-replace, condition by cross-attention), 'both' (the
pooled condition also drives every AdaLN, `--cond_mode both`), 'mo_xattn' and 'mo_both' (the same with the released
code's mask-only schedule, `--vq_schedule mask_only`), 'default' (the script's defaults); `--custom NAME=FLAGS` adds a variant of your own (e.g.
`--custom 'b128=--batch_size 128'`); with `--max_minutes` every variant gets the same training time instead. Prints a table and saves bench/results/shapes_vq_ablation.json.
The tokenizer's own ceiling (the judge's fidelity on its reconstructions of 1,000 validation images) is reported
beside them: no token model can score above it.

    python bench/shapes_vqdiffusion.py --minutes 0.1                         # first: a run with tokenizer/ and embedder/
    python bench/shapes_vq_ablation.py --base bench/out/shapes_vqdiffusion   # 4 variants x 500 steps
    python bench/shapes_vq_ablation.py --variants default --custom 'b128=--batch_size 128' --steps 100000 --max_minutes 6.5   # equal time
    python bench/shapes_vq_ablation.py --base RUN --steps 4 --n_val 20 --settings 1:1 --variants xattn --results /tmp/a.json   # smoke
"""
import argparse, json, os, platform, shutil, subprocess, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
MR = ['--vq_schedule', 'mask_replace']   # explicit: the script's default was mask_replace when the first four ran, now mask_only
VARIANTS = {'xattn': MR, 'both': [*MR, '--cond_mode', 'both'], 'mo_xattn': ['--vq_schedule', 'mask_only'],
            'mo_both': ['--vq_schedule', 'mask_only', '--cond_mode', 'both'], 'default': []}
KEYS = dict(all='prompt_fidelity', seen='prompt_fidelity_seen', unseen='prompt_fidelity_unseen',
            one_object='prompt_fidelity_1_object', two_objects='prompt_fidelity_2_objects')

def rel(p) -> str:
    "`p` relative to the repository when it lies inside it (so recorded commands name no machine's paths)"
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def train(a, variant: str, out: Path) -> list:
    "Train one variant into `out` (unless --reuse and it is there); the command"
    cmd = ['python', 'train_cclddg.py', '--dataset', 'shapes', '--model', 'vqdiffusion', '--tokenizer', rel(a.tokenizer),
           '--embedder', f'tiny:{rel(a.embedder)}', '--n_batches', str(a.steps), '--max_minutes', str(a.max_minutes), '--eval_samples', '0',
           *(['--seed', str(a.seed)] if a.seed else []), '--out', rel(out), *VARIANTS[variant], *a.train_args.split()]
    if a.reuse and (out / 'metrics.json').exists(): return cmd
    print('$', ' '.join(cmd), flush=True)
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, *cmd[1:]], check=True, cwd=ROOT)
    return cmd

def score(out: Path, settings: list, n: int) -> list:
    "Validation prompt fidelity of the run in `out` at each (guidance, truncation), 50 steps"
    from cclddg.cclddg import load_pipeline, shapes_prompt_fidelity
    pipe, rows = load_pipeline(out), []
    for cfg, r in settings:
        f = shapes_prompt_fidelity(pipe, 'val', n, cfg, steps=50, truncation=r)
        rows.append(dict(cfg=cfg, truncation=r, **{k: float(f[v]) for k, v in KEYS.items()}))
        print(f"  {out.name}: cfg {cfg:g}, r {r:g}: fidelity {rows[-1]['all']:.3f} (seen {rows[-1]['seen']:.3f}, unseen "
              f"{rows[-1]['unseen']:.3f}; one object {rows[-1]['one_object']:.3f}, two {rows[-1]['two_objects']:.3f})", flush=True)
    return rows

def ceiling(tok_dir: Path, n: int = 1000) -> dict:
    "The judge's fidelity on the tokenizer's reconstructions of n validation images (and their PSNR)"
    from cclddg.vq import load_tokenizer, evaluate_tokenizer
    from cclddg.data import Shapes
    r = evaluate_tokenizer(load_tokenizer(tok_dir), Shapes(split='val', img_size=32), 'shapes', n=n)
    return dict(psnr=r['psnr'], fidelity_on_reconstructions=r['judge_rec'], seen=r['judge_rec_seen'], unseen=r['judge_rec_unseen'],
                n_unseen=r['n_unseen'], per_attribute=r['per_attribute_rec'],
                config=json.loads((tok_dir / 'config.json').read_text()))

def git_state() -> str:
    "The commit the runs used, and whether the work tree differed from it"
    run = lambda *c: subprocess.run(['git', *c], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return run('rev-parse', '--short', 'HEAD') + (' with uncommitted changes' if run('status', '--porcelain', '--untracked-files=no') else '')

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--base', default=str(ROOT/'bench'/'out'/'shapes_vqdiffusion'), help='a run with tokenizer/ and embedder/')
    p.add_argument('--tokenizer', default=None, help='a tokenizer directory (default: BASE/tokenizer)')
    p.add_argument('--embedder', default=None, help='a tiny embedder directory (default: BASE/embedder)')
    p.add_argument('--variants', nargs='*', default=['xattn', 'both', 'mo_xattn', 'mo_both'], choices=list(VARIANTS))
    p.add_argument('--custom', action='append', default=[], metavar='NAME=FLAGS', help="a variant of your own: NAME=train_cclddg.py flags")
    p.add_argument('--steps', type=int, default=500, help='transformer steps of every variant')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--max_minutes', type=float, default=60., help='a cap on each run; the runs are step-budgeted (--steps)')
    p.add_argument('--settings', default='2:1,2:0.8,3:0.8', help='guidance:truncation pairs scored')
    p.add_argument('--n_val', type=int, default=200)
    p.add_argument('--train_args', default='', help='extra flags for train_cclddg.py (every variant)')
    p.add_argument('--out', default=str(ROOT/'bench'/'out'/'shapes_vq_ablation'))
    p.add_argument('--results', default=str(ROOT/'bench'/'results'/'shapes_vq_ablation.json'))
    p.add_argument('--reuse', action='store_true', help='score runs already in --out instead of training them again')
    a = p.parse_args()
    a.tokenizer = Path(a.tokenizer or Path(a.base) / 'tokenizer'); a.embedder = Path(a.embedder or Path(a.base) / 'embedder')
    for d in (a.tokenizer, a.embedder):
        if not d.is_dir(): sys.exit(f"shapes_vq_ablation: '{d}' is not a directory (run bench/shapes_vqdiffusion.py first, or pass --tokenizer/--embedder)")
    for c in a.custom:
        name, eq, flags = c.partition('=')
        if not eq or not name or name in VARIANTS: sys.exit(f"shapes_vq_ablation: --custom wants NAME=FLAGS with a new NAME, got {c!r}")
        VARIANTS[name] = flags.split(); a.variants.append(name)
    settings = [tuple(float(v) for v in s.split(':')) for s in a.settings.split(',')]
    ceil = ceiling(a.tokenizer)
    print(f"tokenizer {rel(a.tokenizer)}: PSNR {ceil['psnr']:.1f} dB, fidelity on its reconstructions {ceil['fidelity_on_reconstructions']:.3f} "
          f"(seen {ceil['seen']:.3f}, unseen {ceil['unseen']:.3f} of {ceil['n_unseen']})", flush=True)
    runs = {}
    for v in a.variants:
        out = Path(a.out) / v
        cmd = train(a, v, out)
        m = json.loads((out / 'metrics.json').read_text())
        runs[v] = dict(command=' '.join(cmd), steps=m['steps'], train_seconds=m['train_seconds'], val=score(out, settings, a.n_val))
    res = dict(benchmark='shapes_vq_ablation', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            torch=torch.__version__, threads=torch.get_num_threads()),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), code=git_state(), tokenizer=dict(dir=rel(a.tokenizer), **ceil), embedder=rel(a.embedder),
               split='val', n_val=a.n_val, sample_steps=50, runs=runs)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    print(f"\ntokenizer ceiling {ceil['fidelity_on_reconstructions']:.3f} (unseen {ceil['unseen']:.3f}); {a.steps} transformer steps each; validation, 50 steps")
    print(f"{'variant':<10}{'s/step':>8}{'cfg':>5}{'r':>5}{'all':>7}{'seen':>7}{'unseen':>8}{'1 obj':>7}{'2 obj':>7}")
    for v, r in runs.items():
        for row in r['val']:
            print(f"{v:<10}{r['train_seconds'] / max(r['steps'], 1):>8.2f}{row['cfg']:>5g}{row['truncation']:>5g}{row['all']:>7.3f}"
                  f"{row['seen']:>7.3f}{row['unseen']:>8.3f}{row['one_object']:>7.3f}{row['two_objects']:>7.3f}")
    print(f"saved {rel(a.results)}")

if __name__ == '__main__': main()
