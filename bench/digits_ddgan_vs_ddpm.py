#!/usr/bin/env python
"""Benchmark: DDPM (1000 ancestral steps, DDIM-50) against DDGAN (2, 4, 8 steps) on `digits`, same data, same network
size and the same CPU-time training budget per model.

Each model is trained with `train_cclddg.py --max_minutes MINUTES` (the UNet flags are shared, the DDGAN's generator
adds only its z mapping), then sampled and scored the same way: conditional accuracy and classifier-feature Fréchet
distance of N images (real-vs-real floor beside it), network evaluations per image (NFE, doubled by guidance) and wall
time per image. Prints a table, saves bench/results/digits_ddgan_vs_ddpm.json and a grid of samples
(nbs/images/digits_ddgan_vs_ddpm.png: one row per model, digits 0-9).

    python bench/digits_ddgan_vs_ddpm.py                     # the full benchmark (4 x 5 training minutes)
    python bench/digits_ddgan_vs_ddpm.py --minutes 0.1 --n_per_class 3 --ddpm_per_class 1 --steps 4   # smoke run
"""
import argparse, json, os, platform, shutil, subprocess, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
from cclddg.sample import load_pipeline, sample
from cclddg.cclddg import load_pipeline
from cclddg.evaluation import evaluate_digits_samples
from cclddg.data import save_grid

UNET = ['--n_channels_unet', '32', '--ch_mults', '1,2,2', '--is_attn', '0,1,1', '--n_res', '1']

def rel(p) -> str:
    "`p` relative to the repository when it lies inside it (so recorded commands name no machine's paths)"
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def train(out, minutes, *flags):
    shutil.rmtree(out, ignore_errors=True)
    cmd = ['python', 'train_cclddg.py', '--dataset', 'digits', '--max_minutes', str(minutes), '--out', rel(out),
           '--eval_samples', '0', *UNET, *flags]
    print('$', ' '.join(cmd), flush=True)
    subprocess.run([sys.executable, *cmd[1:]], check=True, cwd=ROOT)
    return json.loads((Path(out)/'metrics.json').read_text())

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--minutes', type=float, default=5., help='training minutes per model')
    p.add_argument('--n_per_class', type=int, default=50, help='samples per class for DDIM-50 and the DDGANs')
    p.add_argument('--ddpm_per_class', type=int, default=10, help='samples per class for 1000-step DDPM')
    p.add_argument('--steps', type=int, nargs='+', default=[2, 4, 8], help='DDGAN step counts T')
    p.add_argument('--ddpm_cfg', type=float, default=2., help='guidance scale of the DDPM samplers')
    p.add_argument('--ddgan_cfg', type=float, default=1., help='guidance scale of the DDGANs')
    p.add_argument('--ddgan_args', default='--recon_loss_scale 0 --d_steps 1', help="extra flags for the DDGAN runs (default: the plain DDGAN "
                   "of the README table, measured before the reconstruction term and 5 D steps became the script's defaults; '' for today's defaults)")
    p.add_argument('--out', default=str(ROOT/'bench'/'out'/'digits_ddgan_vs_ddpm'))
    p.add_argument('--results', default=str(ROOT/'bench'/'results'/'digits_ddgan_vs_ddpm.json'))
    p.add_argument('--grid', default=str(ROOT/'nbs'/'images'/'digits_ddgan_vs_ddpm.png'))
    a = p.parse_args()
    out, rows, grid = Path(a.out), [], []

    def measure(name, nfe, train_info, n_per, gen):
        y = torch.arange(10).repeat_interleave(n_per)
        t0 = time.time(); x = gen(y); dt = time.time() - t0
        m = {k: float(v) for k, v in evaluate_digits_samples(x * 2 - 1, y).items()}
        rows.append(dict(model=name, nfe_per_image=nfe, n_images=len(x), seconds_per_image=dt / len(x), **m,
                         train_steps=train_info['steps'], train_seconds=train_info['train_seconds']))
        grid.append(x[::n_per][:10])
        print(rows[-1], flush=True)

    info = train(out/'ddpm', a.minutes, '--model', 'ddpm')
    pipe = load_pipeline(out/'ddpm')
    params = sum(p.numel() for p in pipe.model.parameters())
    g = 2 if a.ddpm_cfg != 1 else 1
    measure(f'DDPM, DDIM-50, cfg {a.ddpm_cfg:g}', 50 * g, info, a.n_per_class,
            lambda y: sample(pipe, y, 1, 50, a.ddpm_cfg, seed=1, progress=False)[0])
    measure(f'DDPM, 1000 steps, cfg {a.ddpm_cfg:g}', 1000 * g, info, a.ddpm_per_class,
            lambda y: sample(pipe, y, 1, 1000, a.ddpm_cfg, sampler='ddpm', seed=1, progress=False)[0])
    for T in a.steps:
        info = train(out/f'ddgan{T}', a.minutes, '--model', 'ddgan', '--n_steps', str(T), *a.ddgan_args.split())
        gp = load_pipeline(out/f'ddgan{T}')
        gparams = sum(p.numel() for p in gp.model.parameters())
        measure(f'DDGAN, {T} steps, cfg {a.ddgan_cfg:g}', T * (2 if a.ddgan_cfg != 1 else 1), info, a.n_per_class,
                lambda y: gp.generate(y, cfg=a.ddgan_cfg, seed=1))
    res = dict(benchmark='digits_ddgan_vs_ddpm', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            torch=torch.__version__, threads=torch.get_num_threads(), device=str(pipe.device)),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), train_minutes_per_model=a.minutes,
               params=dict(ddpm_unet=params, ddgan_generator=gparams), rows=rows)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    Path(a.grid).parent.mkdir(parents=True, exist_ok=True)
    save_grid(torch.cat(grid) * 2 - 1, a.grid, nrow=10)
    print(f"\nparameters: DDPM UNet {params:,}, DDGAN generator {gparams:,}; {a.minutes:g} training minutes each")
    print(f"| model | NFE/image | s/image | cond. acc. | FD (floor) | train steps |\n|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['nfe_per_image']} | {r['seconds_per_image']:.4f} | {r['cond_acc']:.3f} | "
              f"{r['fd']:.2f} ({r['fd_real_vs_real']:.2f}) | {r['train_steps']} |")
    print(f"saved {a.results} and {a.grid}")

if __name__ == '__main__': main()
