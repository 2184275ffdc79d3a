#!/usr/bin/env python
"""Benchmark: VQ tokenizers (notebook 10) on `digits` and `shapes`, and the ceiling they set for any token model.

For each dataset and each (downsampling factor, codebook size K) in the sweep, trains a `VQTokenizer` with
`train_tokenizer` for a fixed CPU-time budget, then measures on the held-out test split: reconstruction PSNR, codebook
usage and perplexity over all test tokens, and the judges of notebook 05 on the real images and on their
reconstructions (digits: classifier accuracy; shapes: prompt fidelity, every captioned attribute right). Picks, per
dataset, the configuration with the fewest tokens, then the smallest K, whose reconstructions reach the target
(digits: judge accuracy >= 0.95; shapes: fidelity within 0.03 of the real images'), saves it under --out and
everything to bench/results/vq_tokenizer.json.

    python bench/vq_tokenizer.py                                     # the full sweep (about 30 CPU minutes)
    python bench/vq_tokenizer.py --digits_minutes 0.1 --shapes_minutes 0.1 --digits_K 64 --shapes_K 128 --n_test 200   # smoke run
"""
import argparse, json, math, os, platform, shutil, sys, time
from pathlib import Path
import torch

ROOT = Path(__file__).resolve().parent.parent
from cclddg.data import get_dataset
from cclddg.vq import train_tokenizer, evaluate_tokenizer

def rel(p) -> str:
    "`p` relative to the repository when it lies inside it (so recorded commands name no machine's paths)"
    p = Path(p).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(p)

def run(name, ds, ds_test, downsample, K, minutes, batch_size, n_test, out, seed):
    "Train one tokenizer within `minutes`, evaluate it on the test split, save it; one result row"
    t0 = time.time()
    tok = train_tokenizer(ds, steps=10**6, batch_size=batch_size, n_codes=K, downsample=downsample, max_minutes=minutes,
                          seed=seed, progress=False)
    train_s = time.time() - t0
    t1 = time.time(); ev = evaluate_tokenizer(tok, ds_test, judge=name, n=n_test); eval_s = time.time() - t1
    h, w = ev['token_shape']
    row = dict(dataset=name, downsample=downsample, tokens=h * w, bits_per_image=h * w * math.log2(K),
               steps=len(tok.history['loss']), batch_size=batch_size, train_seconds=train_s, eval_seconds=eval_s,
               final_train_usage=tok.history['usage'][-1], final_train_perplexity=tok.history['perplexity'][-1],
               config=tok.config, **ev)
    tok.save(Path(out) / f"{name}_f{downsample}_K{K}")
    print(f"{name:7s} {h}x{w} K={K:4d}: {row['steps']:5d} steps in {train_s:5.0f} s | PSNR {ev['psnr']:6.2f} dB | usage "
          f"{ev['usage']:.2f} ppl {ev['perplexity']:6.1f} | {ev['judge']}: real {ev['judge_real']:.3f} rec {ev['judge_rec']:.3f}", flush=True)
    return row

def choose(rows, target) -> tuple:
    "The row with the fewest tokens, then the smallest K, meeting `target(row)`; else the best judge score"
    ok = [r for r in rows if target(r)]
    if ok: return min(ok, key=lambda r: (r['tokens'], r['n_codes'])), 'fewest tokens, then smallest K, meeting the target'
    return max(rows, key=lambda r: r['judge_rec']), 'no configuration met the target: the best judge score'

def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--digits_minutes', type=float, default=1.5, help='training minutes per digits tokenizer')
    p.add_argument('--shapes_minutes', type=float, default=5., help='training minutes per shapes tokenizer')
    p.add_argument('--digits_K', type=int, nargs='+', default=[64, 128, 256])
    p.add_argument('--digits_downsample', type=int, nargs='+', default=[4, 2], help='4: 4x4 tokens, 2: 8x8 tokens')
    p.add_argument('--shapes_K', type=int, nargs='+', default=[128, 256, 512])
    p.add_argument('--shapes_downsample', type=int, nargs='+', default=[4], help='4: 8x8 tokens')
    p.add_argument('--digits_batch', type=int, default=64)
    p.add_argument('--shapes_batch', type=int, default=32)
    p.add_argument('--n_test', type=int, default=2000, help='test images per dataset (digits has 360)')
    p.add_argument('--threads', type=int, default=1, help='torch threads (1: no oversubscription on a shared 2-core machine)')
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--out', default=str(ROOT/'bench'/'out'/'vq_tokenizer'), help='where the trained tokenizers go')
    p.add_argument('--results', default=str(ROOT/'bench'/'results'/'vq_tokenizer.json'))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    shutil.rmtree(a.out, ignore_errors=True)
    load0, t0 = os.getloadavg(), time.time()
    rows, chosen = [], {}
    sweeps = dict(digits=(a.digits_downsample, a.digits_K, a.digits_minutes, a.digits_batch),
                  shapes=(a.shapes_downsample, a.shapes_K, a.shapes_minutes, a.shapes_batch))
    targets = dict(digits=lambda r: r['judge_rec'] >= 0.95, shapes=lambda r: r['judge_rec'] >= r['judge_real'] - 0.03)
    for name, (fs, Ks, minutes, bs) in sweeps.items():
        ds, ds_test = get_dataset(name), get_dataset(name, split='test')
        mine = [run(name, ds, ds_test, f, K, minutes, bs, a.n_test, a.out, a.seed) for f in fs for K in Ks]
        best, why = choose(mine, targets[name])
        chosen[name] = dict(downsample=best['downsample'], n_codes=best['n_codes'], token_shape=best['token_shape'], rule=why,
                            dir=rel(Path(a.out) / f"{name}_f{best['downsample']}_K{best['n_codes']}"))
        rows += mine
    load1 = os.getloadavg()
    res = dict(benchmark='vq_tokenizer', command=' '.join(['python', rel(sys.argv[0]), *sys.argv[1:]]),
               machine=dict(platform=platform.platform(), processor=platform.processor(), cpu_count=os.cpu_count(),
                            torch=torch.__version__, threads=torch.get_num_threads(), device='cpu',
                            load_average_start=load0, load_average_end=load1,
                            note='2-core machine shared with other jobs: training is time-budgeted, so a busier machine trains fewer steps'),
               date=time.strftime('%Y-%m-%d %H:%M:%S'), total_seconds=time.time() - t0,
               targets=dict(digits='judge accuracy on reconstructions >= 0.95', shapes='prompt fidelity on reconstructions >= real - 0.03'),
               chosen=chosen, runs=rows)
    Path(a.results).parent.mkdir(parents=True, exist_ok=True)
    Path(a.results).write_text(json.dumps(res, indent=2))
    print(f"\n{'dataset':8}{'tokens':>8}{'K':>6}{'steps':>7}{'PSNR':>8}{'usage':>7}{'ppl':>8}{'real':>7}{'rec':>7}")
    for r in rows: print(f"{r['dataset']:8}{'x'.join(map(str, r['token_shape'])):>8}{r['n_codes']:>6}{r['steps']:>7}{r['psnr']:>8.2f}"
                         f"{r['usage']:>7.2f}{r['perplexity']:>8.1f}{r['judge_real']:>7.3f}{r['judge_rec']:>7.3f}")
    for k, v in chosen.items(): print(f"chosen for {k}: {v}")
    print(f"total {res['total_seconds'] / 60:.1f} min; saved {a.results}")

if __name__ == '__main__': main()
