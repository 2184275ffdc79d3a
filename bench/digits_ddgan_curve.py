#!/usr/bin/env python
"""Benchmark: pixel DDGAN (4 steps) against DDPM (DDIM-50) on `digits` as training time grows: 5, 10 and 20 minutes.

Each model is trained once; after each budget the run is scored and then resumed (resume is exact, so the 10-minute
point is the 5-minute run trained 5 minutes more). Both are scored at the same guidance scale (1 by default, also 2
for the DDPM: its best accuracy), with conditional accuracy and the classifier-feature Fréchet distance of the same
number of images against the digits test split, next to the real-vs-real floor for that number. Prints a table and
saves bench/results/digits_ddgan_curve.json.

    python bench/digits_ddgan_curve.py                           # 2 models x 20 minutes
    python bench/digits_ddgan_curve.py --models ddpm ddgan4 ddgan4_recon ddgan4_recon_only --minutes 5   # the reconstruction ablation
    python bench/digits_ddgan_curve.py --models ddpm ddgan4_recon --out bench/out/curve20 --results bench/out/curve20.json   # the default DDGAN's curve
    python bench/digits_ddgan_curve.py --models ddgan4_recon_d5 --minutes 5 10 --out bench/out/curve_d5 --results bench/results/digits_ddgan_d5.json   # 5 D steps per G step
    python bench/digits_ddgan_curve.py --models ddpm ddgan4_recon ddgan4_recon_d5 --minutes 5 --seed 1 --out bench/out/d5_seed1 --results bench/results/digits_ddgan_d5_seed1.json
    python bench/digits_ddgan_curve.py --minutes 0.1 0.2 --n_per_class 3   # smoke run
"""
import argparse, json, os, platform, shutil, subprocess, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
from cclddg.sample import load_pipeline, sample
from cclddg.cclddg import load_pipeline
from cclddg.evaluation import evaluate_digits_samples

UNET = ['--n_channels_unet', '32', '--ch_mults', '1,2,2', '--is_attn', '0,1,1', '--n_res', '1']
MODELS = {'ddpm': ['--model', 'ddpm'], 'ddgan4': ['--model', 'ddgan', '--n_steps', '4', '--recon_loss_scale', '0', '--d_steps', '1'],
          # the pixel DDGAN with the latent one's reconstruction term ||x0' - x0||^2 added to G's loss
          'ddgan4_recon': ['--model', 'ddgan', '--n_steps', '4', '--recon_loss_scale', '1', '--d_steps', '1'],
          # T = 2: only the two least noisy steps, the ones where a discriminator can tell pairs apart
          'ddgan2_recon': ['--model', 'ddgan', '--n_steps', '2', '--recon_loss_scale', '1', '--d_steps', '1'],
          # the same without the adversarial loss: what the reconstruction term alone gives
          'ddgan4_recon_only': ['--model', 'ddgan', '--n_steps', '4', '--recon_loss_scale', '1', '--adv_loss_scale', '0', '--d_steps', '1'],
          # 3 or 5 discriminator updates per generator update ("n_critic"; 5 is the pixel DDGAN's default since 2026-12-07,
          # the models above pin the 1 they were measured with)
          'ddgan4_recon_d3': ['--model', 'ddgan', '--n_steps', '4', '--recon_loss_scale', '1', '--d_steps', '3'],
          'ddgan4_recon_d5': ['--model', 'ddgan', '--n_steps', '4', '--recon_loss_scale', '1', '--d_steps', '5']}
# five D steps with one setting changed (bench/results/digits_ddgan_d5_probes.json): a faster D, a faster G, reconstruction only where SNR >= 1,
# a half / twice as wide D, twice / half the adversarial weight
for k, f in (('adv2', ['--adv_loss_scale', '2']), ('adv0.5', ['--adv_loss_scale', '0.5']), ('lrd1e3', ['--lr_disc', '1e-3']), ('lrg1e3', ['--lr_gen', '1e-3']), ('snr', ['--recon_weighting', 'snr']),
             ('dch16', ['--n_channels_disc', '16']), ('dch64', ['--n_channels_disc', '64'])): MODELS[f'ddgan4_recon_d5_{k}'] = MODELS['ddgan4_recon_d5'] + f

def rel(p) -> str:
    "`p` relative to the repository when it lies inside it (so recorded commands name no machine's paths)"
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def train(out: Path, minutes: float, flags: list, resume: bool, seed: int = 0) -> tuple:
    seed_flags = ['--seed', str(seed)] if seed else []
    cmd = ['python', 'train_cclddg.py', *(['--resume', rel(out)] if resume else ['--dataset', 'digits', *UNET, *flags, *seed_flags, '--out', rel(out)]),
           '--max_minutes', str(minutes), '--eval_samples', '0']
    print('$', ' '.join(cmd), flush=True)
    subprocess.run([sys.executable, *cmd[1:]], check=True, cwd=ROOT)
    return json.loads((out/'metrics.json').read_text()), ' '.join(cmd)

def score(model: str, out: Path, cfg: float, n_per: int) -> dict:
    y = torch.arange(10).repeat_interleave(n_per)
    t0 = time.time()
    if model == 'ddpm': x = sample(load_pipeline(out), torch.arange(10), n_per, 50, cfg, seed=1, progress=False)[0]
    else: x = load_pipeline(out).generate(y, cfg=cfg, seed=1)
    dt = time.time() - t0
    return dict(cfg=cfg, sampler='ddim50' if model == 'ddpm' else model.split('_')[0], n_images=len(y), seconds_per_image=dt / len(y),
                **{k: float(v) for k, v in evaluate_digits_samples(x * 2 - 1, y).items()})

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--minutes', type=float, nargs='+', default=[5., 10., 20.], help='cumulative training minutes to score at')
    p.add_argument('--models', nargs='+', default=['ddpm', 'ddgan4'], help=f"of {', '.join(MODELS)} (default: ddpm ddgan4, the README's curve)")
    p.add_argument('--n_per_class', type=int, default=50)
    p.add_argument('--seed', type=int, default=0, help="every model's training seed (the sampling seed stays 1)")
    p.add_argument('--out', default=str(ROOT/'bench'/'out'/'digits_ddgan_curve'))
    p.add_argument('--results', default=str(ROOT/'bench'/'results'/'digits_ddgan_curve.json'))
    a = p.parse_args()
    rows = []
    for model in a.models:
        out, done = Path(a.out)/model, 0.
        shutil.rmtree(out, ignore_errors=True)
        for m in sorted(a.minutes):
            info, cmd = train(out, m - done, MODELS[model], resume=done > 0, seed=a.seed); done = m
            for cfg in ((1., 2.) if model == 'ddpm' else (1.,)):
                rows.append(dict(model=model, minutes=m, steps=info['steps'], command=cmd, final_losses=info.get('final_losses'),   # a DDGAN's: d_acc, d_real, d_fake
                                 **score(model, out, cfg, a.n_per_class)))
                print(rows[-1], flush=True)
    res = dict(benchmark='digits_ddgan_curve', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            torch=torch.__version__, threads=torch.get_num_threads()),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), rows=rows)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    print('\n| model | minutes | steps | guidance | accuracy | FD | FD real-vs-real |\n|---|---|---|---|---|---|---|')
    for r in rows:
        print(f"| {r['sampler']} | {r['minutes']:g} | {r['steps']} | {r['cfg']:g} | {r['cond_acc']:.3f} | {r['fd']:.2f} | {r['fd_real_vs_real']:.2f} |")
    print(f"saved {rel(a.results)}")

if __name__ == '__main__': main()
