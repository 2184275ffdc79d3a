#!/usr/bin/env python
"""Benchmark: does ContextDiff's context-aware adapter help text-to-image on `shapes`? The same DDPM command with and
without `--context_adapter`, at equal training time, over several seeds, on the frozen autoencoder and tiny embedder
of an earlier run (`--base`, by default the main command's run from bench/shapes_cclddg.py), so that only the diffusion
model differs. Latent by default: a pixel DDPM at 32x32 managed only 126 training steps in 4 CPU-minutes here (measured
with `--pixels`, then stopped), far too few to learn anything.

The fair control is the plain DDPM predicting x0 (`--target x0`): ContextDiff predicts x0, so a difference between
'plain_x0' and 'adapter' is the adapter's (the shift in the forward and reverse processes and the consistency term),
not the parameterisation's. 'plain_eps' (the script's default DDPM) is there for reference.

For each run it reads metrics.json (prompt fidelity on the test split: all, seen and unseen compositions; the script
samples with DDIM at its --sample_steps and guidance --cfg) and scores sample diversity and a feature Fréchet distance
against real test images (with the real-vs-real floor) with the same sampler. Prints a table (mean and spread over
seeds) and saves bench/results/shapes_contextdiff.json.

    python bench/shapes_cclddg.py                    # first: a run with autoencoder/ and embedder/
    python bench/shapes_contextdiff.py               # plain_x0 against adapter, 4 minutes each, seeds 0 1 2
    python bench/shapes_contextdiff.py --base RUN --pixels --minutes 0.2 --eval_samples 50 --seeds 0   # a smoke run (RUN: any run with embedder/)
"""
import argparse, json, os, platform, shutil, statistics, subprocess, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = {'plain_x0': ['--target', 'x0'], 'adapter': ['--context_adapter'], 'plain_eps': [],
            'adapter_signal_noise': ['--context_adapter', '--shift', 'signal_noise'], 'adapter_no_consistency': ['--context_adapter', '--consistency', '0'],
            # the latent DDGAN of the main command (its own guidance, 1.5), without and with the adapter's shifted pairs and posterior
            # (--d_steps 1 pinned: what they were measured with, also with --pixels, where the default is now 5)
            'ddgan': ['--model', 'ddgan', '--cfg', '1.5', '--d_steps', '1'], 'ddgan_adapter': ['--model', 'ddgan', '--cfg', '1.5', '--context_adapter', '--d_steps', '1']}
KEYS = ('steps', 'prompt_fidelity', 'prompt_fidelity_seen', 'prompt_fidelity_unseen', 'prompt_fidelity_1_object',
        'prompt_fidelity_2_objects', 'diversity', 'fd', 'fd_real_vs_real', 'sample_seconds_per_image')

def rel(p) -> str:
    "`p` relative to the repository when it lies inside it (so recorded commands name no machine's paths)"
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def run(a, base: Path, variant: str, seed: int) -> dict:
    "Train one variant with one seed (unless --score_only) and return its row"
    from cclddg.cclddg import load_pipeline, shapes_sample_quality
    out = Path(a.out) / f'{variant}_seed{seed}'
    latent = [] if a.pixels else ['--latent', rel(base/'autoencoder')]
    cmd = ['python', 'train_cclddg.py', '--dataset', 'shapes', '--model', 'ddpm', '--embedder', f"tiny:{rel(base/'embedder')}", *latent,
           '--max_minutes', str(a.minutes), '--seed', str(seed), '--eval_samples', str(a.eval_samples), '--cfg', str(a.cfg),
           '--sample_steps', str(a.sample_steps), '--out', rel(out), *VARIANTS[variant], *a.train_args.split()]
    if not a.score_only:
        shutil.rmtree(out, ignore_errors=True)
        print('$', ' '.join(cmd), flush=True)
        subprocess.run([sys.executable, *cmd[1:]], check=True, cwd=ROOT)
    m = json.loads((out/'metrics.json').read_text())
    steps = {'steps': a.sample_steps} if m.get('model') == 'ddpm' else {}          # a DDGAN samples with its own T steps
    q = shapes_sample_quality(load_pipeline(out), m.get('eval_split', 'test'), a.eval_samples, m.get('eval_cfg', a.cfg), **steps)
    return {**{k: m.get(k) for k in KEYS}, **q, 'train_seconds': m.get('train_seconds'), 'eval_cfg': m.get('eval_cfg'),
            'final_losses': m.get('final_losses'), 'command': ' '.join(cmd)}

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--base', default=str(ROOT/'bench'/'out'/'shapes_cclddg'), help='a run whose autoencoder/ and embedder/ are reused')
    p.add_argument('--pixels', action='store_true', help="a pixel DDPM (default: a latent one on the base run's autoencoder/)")
    p.add_argument('--variants', nargs='+', default=['plain_x0', 'adapter'], help=f"of {', '.join(VARIANTS)}")
    p.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    p.add_argument('--minutes', type=float, default=4., help='DDPM training minutes per run')
    p.add_argument('--cfg', type=float, default=2., help='guidance scale of the evaluation (the script default for a DDPM)')
    p.add_argument('--sample_steps', type=int, default=50, help='DDIM steps of the evaluation')
    p.add_argument('--eval_samples', type=int, default=500)
    p.add_argument('--train_args', default='', help='extra flags for train_cclddg.py, the same for every variant')
    p.add_argument('--out', default=str(ROOT/'bench'/'out'/'shapes_contextdiff'))
    p.add_argument('--results', default=str(ROOT/'bench'/'results'/'shapes_contextdiff.json'))
    p.add_argument('--score_only', action='store_true', help='do not train: score the runs already in --out again')
    a = p.parse_args()
    base = Path(a.base)
    for v in a.variants:
        if v not in VARIANTS: sys.exit(f"error: unknown variant '{v}': expected one of {', '.join(VARIANTS)}")
    need = ['embedder'] + ([] if a.pixels else ['autoencoder'])
    for n in need:
        if not (base/n/'config.json').exists(): sys.exit(f"error: '{base}' holds no {n}/: run bench/shapes_cclddg.py first, or pass --base")
    rows = {v: [] for v in a.variants}
    for s in a.seeds:                       # seeds outermost: machine drift hits every variant alike
        for v in a.variants: rows[v].append(run(a, base, v, s))
    def stats(v, k):
        xs = [r[k] for r in rows[v] if r.get(k) is not None]
        return dict(mean=statistics.mean(xs), sd=statistics.stdev(xs) if len(xs) > 1 else 0., n=len(xs)) if xs else None
    summary = {v: {k: st for k in (*KEYS, 'diversity') if (st := stats(v, k))} for v in a.variants}
    res = dict(benchmark='shapes_contextdiff', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            torch=torch.__version__, threads=torch.get_num_threads()),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), minutes=a.minutes, seeds=a.seeds, latent=not a.pixels, cfg=a.cfg,
               sample_steps=a.sample_steps, variants={v: VARIANTS[v] for v in a.variants}, summary=summary, runs=rows)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    cols = ('steps', 'prompt_fidelity', 'prompt_fidelity_seen', 'prompt_fidelity_unseen', 'diversity', 'fd')
    print('\n| variant | ' + ' | '.join(cols) + ' |\n|' + '---|' * (len(cols) + 1))
    for v, s in summary.items():
        print(f'| {v} | ' + ' | '.join(f"{s[k]['mean']:.3f} ± {s[k]['sd']:.3f}" if k in s else '-' for k in cols) + ' |')
    print(f"(mean ± sd over seeds {a.seeds}; FD floor {summary[a.variants[0]].get('fd_real_vs_real', {}).get('mean', float('nan')):.2f}; saved {rel(a.results)})")

if __name__ == '__main__': main()
