#!/usr/bin/env python
"""Benchmark: text-to-image VQ-Diffusion on `shapes` — VQ tokenizer, tiny CLOOB embedder and denoising transformer
trained by `train_cclddg.py --model vqdiffusion --embedder tiny` within a CPU budget — and its prompt fidelity on unseen
compositions, against the number of sampling steps and the truncation rate r.

Choices are made on the validation split (its own held-out compositions), never on test: first the guidance scale
(at `--sweep_steps` steps, r = 1), then r (at that scale). The test split is then scored at those choices for every
step count in `--steps`, and for every r in `--truncations` (at `--sweep_steps` steps), plus diversity and feature FD at
the chosen setting. Then reranking (notebook 09's `best_of`): each image the best of N draws by the pipeline's own
embedder, N in `--best_of` at `--best_of_steps` steps, scored on validation (N chosen there) and test, with diversity
and FD at the chosen N. Prints a table and saves bench/results/shapes_vqdiffusion.json. Issue 14's goal: prompt fidelity
>= 0.85 on unseen compositions with the whole pipeline within 15 CPU-minutes.

    python bench/shapes_vqdiffusion.py
    python bench/shapes_vqdiffusion.py --minutes 0.2 --tokenizer_steps 20 --train_args "--embedder_steps 20" \
        --n_val 50 --n_test 50 --steps 10 --truncations 1 --cfgs 1 --best_of 1 2 --results /tmp/s.json     # a quick smoke run
    python bench/shapes_vqdiffusion.py --reuse --out DIR --sweeps_from RESULTS.json --results NEW.json      # add best-of-N rows
"""
import argparse, json, os, platform, shutil, subprocess, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
from cclddg.cclddg import load_pipeline, shapes_prompt_fidelity, shapes_sample_quality

def rel(p) -> str:
    "`p` relative to the repository when it lies inside it (so recorded commands name no machine's paths)"
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

KEYS = dict(all='prompt_fidelity', one_object='prompt_fidelity_1_object', two_objects='prompt_fidelity_2_objects',
            seen='prompt_fidelity_seen', unseen='prompt_fidelity_unseen', seconds_per_image='sample_seconds_per_image')

def score(pipe, split: str, n: int, cfg: float, steps: int, truncation: float, best_of: int = 1) -> dict:
    "Prompt fidelity on n canonical captions of `split` at one sampler setting, as a flat row"
    r = shapes_prompt_fidelity(pipe, split, n, cfg, steps=steps, truncation=truncation, best_of=best_of)
    row = dict(split=split, n=n, cfg=cfg, steps=steps, truncation=truncation, best_of=best_of, **{k: float(r[v]) for k, v in KEYS.items() if v in r})
    print(f"{split}: cfg {cfg:g}, {steps} steps, r {truncation:g}, best of {best_of}: fidelity {row['all']:.3f} (seen {row['seen']:.3f}, "
          f"unseen {row['unseen']:.3f}; one object {row['one_object']:.3f}, two {row['two_objects']:.3f})", flush=True)
    return row

def tokenizer_ceiling(tok_dir: Path, n: int) -> dict:
    "The judge's fidelity on the tokenizer's reconstructions of the n test scenes the prompts describe: no token model scores above it"
    from cclddg.vq import load_tokenizer, evaluate_tokenizer
    from cclddg.data import Shapes
    r = evaluate_tokenizer(load_tokenizer(tok_dir), Shapes('test', img_size=32, n=n, seed=0, captions='canonical'), 'shapes')
    return dict(all=r['judge_rec'], seen=r['judge_rec_seen'], unseen=r['judge_rec_unseen'], n_unseen=r['n_unseen'], psnr=r['psnr'])

def best(rows: list, key: str):
    "The setting of the row with the highest overall fidelity"
    return max(rows, key=lambda r: r['all'])[key]   # the first on ties: no truncation, the lowest guidance

def check_args(a):
    "One line and exit 2 for flags that cannot work, before anything runs"
    bad = [f"--best_of must be positive numbers of draws, got {a.best_of}"] if min(a.best_of) < 1 else []
    if a.sweeps_from and not a.reuse: bad.append("--sweeps_from reuses a run's earlier sweeps: add --reuse (and no training)")
    if a.sweeps_from and not Path(a.sweeps_from).is_file(): bad.append(f"--sweeps_from '{a.sweeps_from}' is not a file")
    if bad: sys.exit(f"error: {bad[0]}")

def train(a) -> float | None:
    "Run the script into --out (unless --reuse); the pipeline's wall seconds"
    cmd = ['python', 'train_cclddg.py', '--dataset', 'shapes', '--model', 'vqdiffusion', '--embedder', 'tiny',
           '--max_minutes', str(a.minutes), '--tokenizer_steps', str(a.tokenizer_steps), '--eval_samples', '0',
           '--out', rel(a.out), *a.train_args.split()]
    if a.reuse: return None
    print('$', ' '.join(cmd), flush=True)
    shutil.rmtree(a.out, ignore_errors=True)
    t0 = time.time(); subprocess.run([sys.executable, *cmd[1:]], check=True, cwd=ROOT)
    return time.time() - t0

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--minutes', type=float, default=6.5, help='training minutes of the denoising transformer (default 6.5: with the '
                   'tokenizer, embedder and encoding the pipeline took 13.3 minutes on a 2-core CPU)')
    p.add_argument('--tokenizer_steps', type=int, default=1200)
    p.add_argument('--train_args', default='', help='extra flags for train_cclddg.py')
    p.add_argument('--cfgs', default='1,2,3', help='guidance scales tried on the validation split')
    p.add_argument('--truncations', type=float, nargs='+', default=[1., 0.9, 0.8, 0.7])
    p.add_argument('--sweep_steps', type=int, default=50, help='sampling steps of the validation sweeps and the r curve')
    p.add_argument('--steps', type=int, nargs='+', default=[100, 50, 25, 10])
    p.add_argument('--n_val', type=int, default=200)
    p.add_argument('--n_test', type=int, default=500)
    p.add_argument('--out', default=str(ROOT/'bench'/'out'/'shapes_vqdiffusion'))
    p.add_argument('--results', default=str(ROOT/'bench'/'results'/'shapes_vqdiffusion.json'))
    p.add_argument('--reuse', action='store_true', help='score the run already in --out instead of training again')
    p.add_argument('--best_of', type=int, nargs='+', default=[1, 2, 4, 8], help='reranking: each image the best of N draws by the '
                   "pipeline's embedder (notebook 09); validation and test rows for every N at the chosen guidance and r")
    p.add_argument('--best_of_steps', type=int, default=10, help='sampling steps of the best-of-N rows (default 10: N draws cost N times)')
    p.add_argument('--sweeps_from', default=None, help='with --reuse: take the guidance/r sweeps, test rows and sample quality of this '
                   'run from an earlier results JSON of the same run, and add only the best-of-N rows')
    a = p.parse_args()
    check_args(a)
    wall = train(a)
    m = json.loads((Path(a.out)/'metrics.json').read_text())
    pipe = load_pipeline(a.out)
    if a.sweeps_from:
        old = json.loads(Path(a.sweeps_from).read_text())
        val_cfg, val_r, test_steps, test_r, quality = (old[k] for k in ('val_guidance', 'val_truncation', 'test_steps', 'test_truncation', 'test_quality'))
        cfg, r_best, wall = old['chosen_on_val']['cfg'], old['chosen_on_val']['truncation'], (old['pipeline_wall_minutes'] or 0) * 60 or None
    else:
        val_cfg = [score(pipe, 'val', a.n_val, float(s), a.sweep_steps, 1.) for s in a.cfgs.split(',')]
        cfg = best(val_cfg, 'cfg')
        val_r = [r for r in val_cfg if r['cfg'] == cfg] + [score(pipe, 'val', a.n_val, cfg, a.sweep_steps, r) for r in a.truncations if r != 1.]
        r_best = best(val_r, 'truncation')
        test_steps = [score(pipe, 'test', a.n_test, cfg, s, r_best) for s in a.steps]
        test_r = [score(pipe, 'test', a.n_test, cfg, a.sweep_steps, r) for r in a.truncations]
        quality = shapes_sample_quality(pipe, 'test', a.n_test, cfg, steps=a.sweep_steps, truncation=r_best)
    print(f"test at cfg {cfg:g}, r {r_best:g}, {a.sweep_steps} steps: diversity {quality['diversity']:.3f}, FD {quality['fd']:.2f} "
          f"(a perfect model: {quality['fd_real_vs_real']:.2f})", flush=True)
    val_best = [score(pipe, 'val', a.n_val, cfg, a.best_of_steps, r_best, n) for n in a.best_of]
    n_best = best(val_best, 'best_of')
    test_best = [score(pipe, 'test', a.n_test, cfg, a.best_of_steps, r_best, n) for n in a.best_of]
    quality_best = shapes_sample_quality(pipe, 'test', a.n_test, cfg, steps=a.best_of_steps, truncation=r_best, best_of=n_best)
    print(f"test at cfg {cfg:g}, r {r_best:g}, {a.best_of_steps} steps, best of {n_best}: diversity {quality_best['diversity']:.3f}, "
          f"FD {quality_best['fd']:.2f}", flush=True)
    ceil = tokenizer_ceiling(Path(a.out) / 'tokenizer', a.n_test)
    res = dict(benchmark='shapes_vqdiffusion', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            torch=torch.__version__, threads=torch.get_num_threads()),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), pipeline_wall_minutes=wall / 60 if wall else None, training=m,
               chosen_on_val=dict(cfg=cfg, truncation=r_best, steps=a.sweep_steps), val_guidance=val_cfg, val_truncation=val_r,
               test_steps=test_steps, test_truncation=test_r, test_quality=quality, tokenizer_ceiling=ceil,
               best_of_chosen_on_val=n_best, best_of_steps=a.best_of_steps, val_best_of=val_best, test_best_of=test_best,
               test_quality_best_of=quality_best, sweeps_from=rel(a.sweeps_from) if a.sweeps_from else None)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    if wall: print(f"\nwhole pipeline {wall / 60:.1f} min (tokenizer {m.get('tokenizer_seconds', 0):.0f} s, embedder "
                   f"{m.get('embedder_seconds', 0):.0f} s, encoding {m.get('encode_seconds', 0):.0f} s, transformer {m['train_seconds']:.0f} s "
                   f"for {m['steps']} steps); tokenizer PSNR {m.get('ae_psnr', float('nan')):.1f} dB")
    print(f"{'split':<6}{'cfg':>5}{'steps':>7}{'r':>6}{'best of':>8}{'s/img':>8}{'all':>7}{'seen':>7}{'unseen':>8}{'1 obj':>7}{'2 obj':>7}")
    for r in val_cfg + val_r[1:] + val_best + test_steps + test_r + test_best:
        print(f"{r['split']:<6}{r['cfg']:>5g}{r['steps']:>7}{r['truncation']:>6g}{r.get('best_of', 1):>8}{r.get('seconds_per_image', float('nan')):>8.3f}"
              f"{r['all']:>7.3f}{r['seen']:>7.3f}{r['unseen']:>8.3f}{r['one_object']:>7.3f}{r['two_objects']:>7.3f}")
    print(f"the tokenizer's ceiling (the judge on its reconstructions of the {a.n_test} test scenes): all {ceil['all']:.3f}, "
          f"seen {ceil['seen']:.3f}, unseen {ceil['unseen']:.3f}")
    print(f"saved {rel(a.results)}")

if __name__ == '__main__': main()
