#!/usr/bin/env python
"""Benchmark: is the latent DDGAN a GAN? The README's main command against the same command without the adversarial
loss (`--adv_loss_scale 0`, reconstruction only) and other variants, at the same training budget, on the same frozen
autoencoder and embedder (those of a finished main-command run, `--base`), over one or more seeds.

For each run it reads metrics.json: the discriminator's accuracy and mean logits over the last 50 iterations (0.5 and
0 are chance: the generator then learns from the reconstruction term alone), prompt fidelity (all, seen and unseen
compositions where the data set has them), sample diversity for a fixed prompt (1 = as varied as real renders of the
caption) and a feature Fréchet distance against real test images with its real-vs-real floor. Prints a table and saves
bench/results/shapes_gan_ablation.json.

    python bench/shapes_cclddg.py                       # first: the main command, whose autoencoder/embedder are reused
    python bench/shapes_gan_ablation.py                 # the main run (GAN on) vs recon_only, seed 0, 7 minutes each
    python bench/shapes_gan_ablation.py --variants gan recon_only snr --seeds 0 1
    python bench/shapes_gan_ablation.py --variants gan d5 --base bench/out/cc_base0 --results bench/results/shapes_gan_d5.json
    python bench/shapes_gan_ablation.py --variants d2 --base bench/out/cc_base0 --results bench/results/shapes_gan_d2.json
    python bench/shapes_gan_ablation.py --minutes 0.2 --eval_samples 50 --base RUN   # smoke run
"""
import argparse, json, os, platform, shutil, subprocess, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = {'main': None, 'gan': [], 'recon_only': ['--adv_loss_scale', '0'], 'snr': ['--recon_weighting', 'snr'],
            'snr_only_gan': ['--recon_weighting', 'snr', '--recon_loss_scale', '0'],
            'd2': ['--d_steps', '2'], 'd3': ['--d_steps', '3'], 'd5': ['--d_steps', '5']}   # 2, 3 or 5 discriminator updates per generator update
KEYS = ('d_acc', 'd_real', 'd_fake', 'loss_d')

def rel(p) -> str:
    "`p` relative to the repository when it lies inside it (so recorded commands name no machine's paths)"
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def row_of(m: dict, cmd: str, run: Path) -> dict:
    "The numbers of one run's metrics.json that the table compares; diversity and FD scored again by the current library"
    from cclddg.cclddg import load_pipeline, shapes_sample_quality
    q = shapes_sample_quality(load_pipeline(run), m.get('eval_split', 'test'), max(50, m.get('eval_samples', 500)), m.get('eval_cfg', 1.))
    return {**dict(steps=m['steps'], train_seconds=m['train_seconds'], **{k: m['final_losses'].get(k) for k in KEYS},
                **{k: v for k, v in m.items() if k.startswith('prompt_fidelity')},
                diversity=m.get('diversity'), diversity_per_prompt=m.get('diversity_per_prompt'), fd=m.get('fd'),
                fd_real_vs_real=m.get('fd_real_vs_real'), command=cmd), **q}

def run(base: Path, out: Path, minutes: float, seed: int, flags: list, eval_samples: int, score_only: bool = False) -> dict:
    "Train one variant (or, for 'main' (flags None), read the --base run itself: the main command, GAN on) and return its row"
    if flags is None: return row_of(json.loads((base/'metrics.json').read_text()), 'the --base run (bench/shapes_cclddg.py)', base)
    cmd = ['python', 'train_cclddg.py', '--dataset', 'shapes', '--model', 'ddgan', '--latent', rel(base/'autoencoder'),
           '--embedder', f"tiny:{rel(base/'embedder')}", '--max_minutes', str(minutes), '--seed', str(seed),
           '--eval_samples', str(eval_samples), '--out', rel(out), *flags]
    if not score_only:
        shutil.rmtree(out, ignore_errors=True)
        print('$', ' '.join(cmd), flush=True)
        subprocess.run([sys.executable, *cmd[1:]], check=True, cwd=ROOT)
    return row_of(json.loads((out/'metrics.json').read_text()), ' '.join(cmd), out)

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--base', default=str(ROOT/'bench'/'out'/'shapes_cclddg'), help='a main-command run: its autoencoder/ and embedder/ are reused')
    p.add_argument('--variants', nargs='+', default=['main', 'recon_only'], help=f"of {', '.join(VARIANTS)} ('main': the --base run itself, "
                   "the main command with the GAN on, seed 0; 'gan': the same flags trained again on the base's autoencoder and embedder)")
    p.add_argument('--seeds', type=int, nargs='+', default=[0])
    p.add_argument('--minutes', type=float, default=7., help='DDGAN training minutes per run (the main command: 7)')
    p.add_argument('--eval_samples', type=int, default=500)
    p.add_argument('--out', default=str(ROOT/'bench'/'out'/'shapes_gan_ablation'))
    p.add_argument('--results', default=str(ROOT/'bench'/'results'/'shapes_gan_ablation.json'))
    p.add_argument('--score_only', action='store_true', help='do not train: score the runs already in --out again')
    a = p.parse_args()
    base = Path(a.base)
    for v in a.variants:
        if v not in VARIANTS: sys.exit(f"error: unknown variant '{v}': expected one of {', '.join(VARIANTS)}")
    if not (base/'autoencoder'/'config.json').exists() or not (base/'embedder'/'config.json').exists():
        sys.exit(f"error: '{base}' holds no autoencoder/ and embedder/: run bench/shapes_cclddg.py first, or pass --base")
    rows = {v: [run(base, Path(a.out)/f'{v}_seed{s}', a.minutes, s, VARIANTS[v], a.eval_samples, a.score_only) for s in (a.seeds if VARIANTS[v] is not None else [0])]
            for v in a.variants}
    mean = lambda v, k: sum(r[k] for r in rows[v] if r.get(k) is not None) / max(1, sum(r.get(k) is not None for r in rows[v]))
    summary = {v: {k: mean(v, k) for k in ('steps', *KEYS, 'prompt_fidelity', 'prompt_fidelity_seen', 'prompt_fidelity_unseen',
                                            'diversity', 'fd', 'fd_real_vs_real') if any(r.get(k) is not None for r in rows[v])}
               for v in a.variants}
    res = dict(benchmark='shapes_gan_ablation', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            torch=torch.__version__, threads=torch.get_num_threads()),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), minutes=a.minutes, seeds=a.seeds, variants={v: VARIANTS[v] for v in a.variants},
               summary=summary, runs=rows)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    cols = [k for k in ('steps', 'd_acc', 'd_real', 'd_fake', 'prompt_fidelity', 'prompt_fidelity_unseen', 'diversity', 'fd', 'fd_real_vs_real')
            if any(k in s for s in summary.values())]
    print('\n| variant | ' + ' | '.join(cols) + ' |\n|' + '---|' * (len(cols) + 1))
    for v, s in summary.items(): print(f'| {v} | ' + ' | '.join(f"{s[k]:.3f}" if k in s else '-' for k in cols) + ' |')
    print(f"(mean over seeds {a.seeds}; saved {rel(a.results)})")

if __name__ == '__main__': main()
