#!/usr/bin/env python
"""Benchmark: class-conditional VQ-Diffusion on `digits` (tokenizer + diffusion) within a fixed CPU-time budget.

Trains with `train_cclddg.py --model vqdiffusion` (the tokenizer for `--tokenizer_steps`, then the denoising
transformer for `--minutes`), then samples with 100, 50, 25 and 10 steps and with fast sampling, and measures the
conditional accuracy of notebook 05's digits judge, the classifier-feature Frechet distance (with the real-vs-real
value beside it) and the sampling time per image. Prints a table and saves bench/results/digits_vqdiffusion.json.
Issue 14's goal: the whole pipeline within 7 CPU-minutes, accuracy >= 0.95.

    python bench/digits_vqdiffusion.py                                   # the full benchmark
    python bench/digits_vqdiffusion.py --minutes 0.2 --tokenizer_steps 50 --n_per_class 5   # a quick smoke run
"""
import argparse, json, os, platform, shutil, subprocess, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
from cclddg.sample import load_pipeline, sample   # cclddg.sample adds CclddgPipeline.sample
from cclddg.evaluation import evaluate_digits_samples

def rel(p) -> str:
    "`p` relative to the repository when it lies inside it (so recorded commands name no machine's paths)"
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--minutes', type=float, default=5., help='training minutes of the denoising transformer')
    p.add_argument('--tokenizer_steps', type=int, default=1500)
    p.add_argument('--n_per_class', type=int, default=50, help='samples per class for the metrics')
    p.add_argument('--steps', type=int, nargs='+', default=[100, 50, 25, 10])
    p.add_argument('--fast', type=int, nargs='+', default=[2, 4], help='fast sampling: every k-th of the 100 steps')
    p.add_argument('--cfg', type=float, default=None, help='guidance scale (default: the run evaluation guidance)')
    p.add_argument('--out', default=str(ROOT/'bench'/'out'/'digits_vqdiffusion'))
    p.add_argument('--results', default=str(ROOT/'bench'/'results'/'digits_vqdiffusion.json'))
    p.add_argument('--train_args', default='', help='extra flags for train_cclddg.py')
    p.add_argument('--reuse', action='store_true', help='sample the run already in --out instead of training again')
    a = p.parse_args()
    if not a.reuse: shutil.rmtree(a.out, ignore_errors=True)
    cmd = ['python', 'train_cclddg.py', '--dataset', 'digits', '--model', 'vqdiffusion', '--max_minutes', str(a.minutes),
           '--tokenizer_steps', str(a.tokenizer_steps), '--out', rel(a.out), '--eval_samples', '0', *a.train_args.split()]
    print('$', ' '.join(cmd), flush=True)
    t0 = time.time()
    if not a.reuse: subprocess.run([sys.executable, *cmd[1:]], check=True, cwd=ROOT)
    pipeline_seconds = time.time() - t0 if not a.reuse else None
    train = json.loads((Path(a.out)/'metrics.json').read_text())
    pipe = load_pipeline(a.out)
    cfg = a.cfg if a.cfg is not None else float(pipe.config['train'].get('cfg') or 1.)
    rows = []
    def measure(name, **kw):
        t0 = time.time()
        x, y = sample(pipe, torch.arange(10), a.n_per_class, cfg=cfg, seed=1, progress=False, **kw)
        dt = time.time() - t0
        m = evaluate_digits_samples(x * 2 - 1, y)
        rows.append(dict(sampler=name, n_images=len(x), seconds_per_image=dt / len(x), **{k: float(v) for k, v in m.items()}))
        print(rows[-1], flush=True)
    for s in a.steps: measure(f'steps{s}', steps=s)
    for k in a.fast: measure(f'fast{k}', steps=None, fast=k)
    res = dict(benchmark='digits_vqdiffusion', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            torch=torch.__version__, threads=torch.get_num_threads(), device=str(pipe.device)),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), pipeline_seconds=pipeline_seconds, script_total_minutes=train.get('total_minutes'), cfg=cfg, training=train,
               sampling=rows)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    if pipeline_seconds: print(f"\nwhole pipeline (tokenizer + transformer + encoding) {pipeline_seconds / 60:.1f} min; "
          f"transformer {train['steps']} steps in {train['train_seconds']:.0f} s")
    print(f"{'sampler':<12}{'images':>8}{'s/img':>10}{'cond_acc':>10}{'FD':>10}{'FD real':>10}")
    for r in rows: print(f"{r['sampler']:<12}{r['n_images']:>8}{r['seconds_per_image']:>10.4f}{r['cond_acc']:>10.3f}{r['fd']:>10.2f}{r['fd_real_vs_real']:>10.2f}")

if __name__ == '__main__': main()
