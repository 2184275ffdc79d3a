#!/usr/bin/env python
"""Benchmark: class-conditional DDPM on `digits` after a fixed CPU-time training budget.

Trains with `train_cclddg.py` (default 5 minutes), then samples with DDIM-50 + guidance and with 1000-step DDPM, and
measures conditional accuracy, the classifier-feature Fréchet distance (with the real-vs-real value beside it) and the
sampling time per image. Prints a table and saves bench/results/digits_ddpm.json.

    python bench/digits_ddpm.py                      # the full benchmark (5 training minutes)
    python bench/digits_ddpm.py --minutes 0.2 --n_per_class 5 --ddpm_per_class 1   # a quick smoke run
"""
import argparse, json, os, platform, shutil, subprocess, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
from cclddg.sample import load_pipeline, sample
from cclddg.evaluation import evaluate_digits_samples

def rel(p) -> str:
    "`p` relative to the repository when it lies inside it (so recorded commands name no machine's paths)"
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--minutes', type=float, default=5.)
    p.add_argument('--n_per_class', type=int, default=50, help='DDIM samples per class for the metrics')
    p.add_argument('--ddpm_per_class', type=int, default=10, help='1000-step DDPM samples per class')
    p.add_argument('--cfg', type=float, nargs='+', default=[1., 2., 3.])
    p.add_argument('--out', default=str(ROOT/'bench'/'out'/'digits_ddpm'))
    p.add_argument('--results', default=str(ROOT/'bench'/'results'/'digits_ddpm.json'))
    p.add_argument('--train_args', default='', help='extra flags for train_cclddg.py')
    a = p.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    cmd = ['python', 'train_cclddg.py', '--dataset', 'digits', '--model', 'ddpm', '--max_minutes', str(a.minutes),
           '--out', rel(a.out), '--eval_samples', '0', *a.train_args.split()]
    print('$', ' '.join(cmd), flush=True)
    subprocess.run([sys.executable, *cmd[1:]], check=True, cwd=ROOT)
    train = json.loads((Path(a.out)/'metrics.json').read_text())
    pipe = load_pipeline(a.out)
    rows = []
    def measure(name, n_per, **kw):
        t0 = time.time()
        x, y = sample(pipe, torch.arange(10), n_per, seed=1, **kw)
        dt = time.time() - t0
        m = evaluate_digits_samples(x * 2 - 1, y)
        rows.append(dict(sampler=name, n_images=len(x), seconds_per_image=dt / len(x), **{k: float(v) for k, v in m.items()}))
        print(rows[-1], flush=True)
    for s in a.cfg: measure(f'ddim50_cfg{s:g}', a.n_per_class, steps=50, cfg=s)
    best = max(a.cfg, key=lambda s: next(r['cond_acc'] for r in rows if r['sampler'] == f'ddim50_cfg{s:g}'))
    measure(f'ddpm1000_cfg{best:g}', a.ddpm_per_class, sampler='ddpm', cfg=best)
    res = dict(benchmark='digits_ddpm', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            torch=torch.__version__, threads=torch.get_num_threads(), device=str(pipe.device)),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), training=train, sampling=rows)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    print(f"\ntrained {train['steps']} steps in {train['train_seconds']:.0f} s ({train['images_per_second']:.0f} img/s)")
    print(f"{'sampler':<18}{'images':>8}{'s/img':>10}{'cond_acc':>10}{'FD':>10}{'FD real':>10}")
    for r in rows: print(f"{r['sampler']:<18}{r['n_images']:>8}{r['seconds_per_image']:>10.4f}{r['cond_acc']:>10.3f}{r['fd']:>10.2f}{r['fd_real_vs_real']:>10.2f}")
    print(f"saved {a.results}")

if __name__ == '__main__': main()
